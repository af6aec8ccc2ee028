"""The values an export reads of each claim and of what it refers to, and the names the
native JSONL gives them. The portable reader (rows.py) and the PostgreSQL fast path
(postgresql.py) both read these, so both write the same keys in the same order."""

from django.db.models import F

CLAIM_FIELDS = (
    "id",
    "public_id",
    "document_id",
    "text",
    "start",
    "end",
    "speaker",
    "score",
    "scorer_version",
    "claim_types",
    "origin",
    "status",
    "final_verdict",
    "final_rationale",
    "review_comment",
    "rejection_reason",
    "locked",
    "merged_into",
    "claim_date",
    "location_iso_code",
    "review_url",
    "review_date",
    "metadata",
)
# Claim values read through a relation: the claim it was merged into, by its public id.
CLAIM_RELATED = {"merged_into": F("merged_into__public_id")}
DOCUMENT_FIELDS = (
    "id",
    "title",
    "url",
    "publisher",
    "byline",
    "published_at",
    "language",
    "content_hash",
)
# An annotation's columns, and the names the native JSONL gives them: its writer takes the
# annotation (with `sources`) as it comes. The ids go beside it, in the claim's
# `annotation_ids` and `source_ids` (one list per annotation).
ANNOTATION_COLUMNS = {
    "annotator__username": "annotator",
    "stance": "stance",
    "verdict": "verdict",
    "rationale": "rationale",
    "checkworthy": "checkworthy",
    "state": "state",
    "guideline_version": "guideline_version",
    "submitted_at": "submitted_at",
}
ANNOTATION_FIELDS = tuple(ANNOTATION_COLUMNS.values())
# A source's values, in the order and with the names of the native JSONL, which writes
# them as they come; its id is kept beside them (the claim's `source_ids`).
SOURCE_FIELDS = (
    "url",
    "title",
    "publisher",
    "quote",
    "stance",
    "question",
    "answer",
    "published_at",
    "snapshot_sha256",
    "fetched_at",
)

# A review's columns and their names in the native JSONL, as for annotations.
REVIEW_COLUMNS = {
    "editor__username": "editor",
    "action": "action",
    "verdict": "verdict",
    "comment": "comment",
    "annotation__annotator__username": "annotation_by",
    "created_at": "created_at",
}
REVIEW_FIELDS = tuple(REVIEW_COLUMNS.values())

# A comment of the claim's discussion thread, as for reviews.
COMMENT_COLUMNS = {
    "author__username": "author",
    "body": "body",
    "created_at": "created_at",
}
COMMENT_FIELDS = tuple(COMMENT_COLUMNS.values())
