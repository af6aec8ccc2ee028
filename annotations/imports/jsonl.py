"""Native JSONL in: restores documents (with their text), claims, annotations with their
sources, and review history, exactly as the native export wrote them. Read one line at a
time, so a backup of any size is restored in bounded memory (see imports.import_jsonl)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from typing import Any

from ..errors import InvalidInput
from ..exports.fields import COMMENT_FIELDS, REVIEW_FIELDS, SOURCE_FIELDS
from ..json_input import load_json
from ..models import (
    AnnotationState,
    Claim,
    ClaimStance,
    ClaimStatus,
    ReviewAction,
    SourceStance,
)
from .records import (
    NAME_LENGTH,
    AnnotationRecord,
    ClaimRecord,
    CommentRecord,
    DocumentRecord,
    ReviewRecord,
    choice_field,
    date_field,
    datetime_field,
    refuse_unknown,
    text_field,
    url_field,
    uuid_field,
)

# The fields the native export writes; any other is refused rather than dropped.
DOCUMENT_KEYS = {"type", "id", "title", "url", "publisher", "byline", "published_at"}
DOCUMENT_KEYS |= {"language", "content_hash", "text"}
DOCUMENT_REFERENCE_KEYS = {"id", "title", "url", "publisher", "published_at", "language"}
CLAIM_KEYS = {
    "type",
    "id",
    "document",
    "text",
    "start",
    "end",
    "speaker",
    "claim_date",
    "score",
    "scorer_version",
    "claim_types",
    "origin",
    "status",
    "final_verdict",
    "locked",
    "rejection_reason",
    "merged_into",
    "location_iso_code",
    "review_url",
    "review_date",
    "metadata",
    "annotations",
    "reviews",
    "comments",
}
VERDICT_KEYS = {"key", "label", "ordinal", "rationale", "review_comment"}
ANNOTATION_KEYS = {
    "annotator",
    "stance",
    "verdict",
    "rationale",
    "checkworthy",
    "state",
    "guideline_version",
    "submitted_at",
    "sources",
}

SOURCE_TEXT_FIELDS = ("title", "publisher", "quote", "question", "answer", "snapshot_sha256")
SOURCE_KEYS = {*SOURCE_FIELDS, "snapshot_text"}
# The choices, listed once: `.values` builds a new list at every call, for every line.
SOURCE_STANCES = SourceStance.values
ANNOTATION_STATES = AnnotationState.values
ANNOTATION_STANCES = ["", *ClaimStance.values]
REVIEW_ACTIONS = ReviewAction.values
CLAIM_ORIGINS = Claim.Origin.values
CLAIM_STATUSES = ClaimStatus.values


def parse_document(row: dict[str, Any], line: int) -> DocumentRecord:
    if row.get("id") in (None, ""):
        raise InvalidInput("is missing.", field="id", line=line)
    refuse_unknown(row, DOCUMENT_KEYS, "", line)
    return DocumentRecord(
        key=str(row["id"]),
        title=text_field(row.get("title"), "title", line, max_length=500),
        text=text_field(row.get("text"), "text", line, required=True),
        url=url_field(row.get("url"), "url", line),
        publisher=text_field(row.get("publisher"), "publisher", line, max_length=200),
        byline=text_field(row.get("byline"), "byline", line, max_length=300),
        published_at=datetime_field(row.get("published_at"), "published_at", line),
        language=text_field(row.get("language") or "en", "language", line, max_length=10),
        line=line,
    )


def parse_source(raw: Any, where: str, line: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidInput("must be an object.", field=where, line=line)
    refuse_unknown(raw, SOURCE_KEYS, where, line)
    source = {
        name: text_field(raw.get(name), f"{where}.{name}", line) for name in SOURCE_TEXT_FIELDS
    }
    # The archived page, so that evidence located in it (FEVER's sentences) survives.
    source["snapshot_text"] = text_field(raw.get("snapshot_text"), f"{where}.snapshot_text", line)
    source["url"] = url_field(raw.get("url"), f"{where}.url", line)
    if not source["url"]:
        raise InvalidInput("is missing.", field=f"{where}.url", line=line)
    source["stance"] = choice_field(
        raw.get("stance"), f"{where}.stance", line, SOURCE_STANCES, SourceStance.NEUTRAL
    )
    source["published_at"] = datetime_field(raw.get("published_at"), f"{where}.published_at", line)
    source["fetched_at"] = datetime_field(raw.get("fetched_at"), f"{where}.fetched_at", line)
    return source


def parse_annotation(raw: Any, where: str, line: int) -> AnnotationRecord:
    if not isinstance(raw, dict):
        raise InvalidInput("must be an object.", field=where, line=line)
    refuse_unknown(raw, ANNOTATION_KEYS, where, line)
    state = choice_field(raw.get("state"), f"{where}.state", line, ANNOTATION_STATES, "draft")
    submitted_at = datetime_field(raw.get("submitted_at"), f"{where}.submitted_at", line)
    if state == AnnotationState.SUBMITTED and submitted_at is None:
        raise InvalidInput(
            "a submitted annotation needs it.", field=f"{where}.submitted_at", line=line
        )
    checkworthy = raw.get("checkworthy")
    if checkworthy not in (None, True, False):
        raise InvalidInput("must be true, false or null.", field=f"{where}.checkworthy", line=line)
    version = raw.get("guideline_version", 1)
    if not isinstance(version, int) or version < 1:
        raise InvalidInput(
            "must be a positive whole number.", field=f"{where}.guideline_version", line=line
        )
    sources = raw.get("sources") or []
    if not isinstance(sources, list):
        raise InvalidInput("must be a list.", field=f"{where}.sources", line=line)
    return AnnotationRecord(
        annotator=text_field(
            raw.get("annotator"), f"{where}.annotator", line, required=True, max_length=NAME_LENGTH
        ),
        stance=choice_field(raw.get("stance"), f"{where}.stance", line, ANNOTATION_STANCES),
        verdict=text_field(raw.get("verdict"), f"{where}.verdict", line, max_length=200),
        rationale=text_field(raw.get("rationale"), f"{where}.rationale", line),
        checkworthy=checkworthy,
        state=state,
        guideline_version=version,
        submitted_at=submitted_at,
        sources=[parse_source(s, f"{where}.sources[{i}]", line) for i, s in enumerate(sources)],
    )


def parse_review(raw: Any, where: str, line: int) -> ReviewRecord:
    if not isinstance(raw, dict):
        raise InvalidInput("must be an object.", field=where, line=line)
    refuse_unknown(raw, REVIEW_FIELDS, where, line)
    review = ReviewRecord(
        editor=text_field(
            raw.get("editor"), f"{where}.editor", line, required=True, max_length=NAME_LENGTH
        ),
        action=choice_field(raw.get("action"), f"{where}.action", line, REVIEW_ACTIONS),
        verdict=text_field(raw.get("verdict"), f"{where}.verdict", line, max_length=200),
        comment=text_field(raw.get("comment"), f"{where}.comment", line),
        annotation_by=raw.get("annotation_by") or None,
        created_at=datetime_field(raw.get("created_at"), f"{where}.created_at", line),
    )
    if review.action == ReviewAction.RETURN and not review.comment:
        raise InvalidInput("a returned claim needs a comment.", field=f"{where}.comment", line=line)
    if review.action == ReviewAction.OVERRIDE and not review.verdict:
        raise InvalidInput("an override needs a verdict.", field=f"{where}.verdict", line=line)
    return review


def parse_comment(raw: Any, where: str, line: int) -> CommentRecord:
    if not isinstance(raw, dict):
        raise InvalidInput("must be an object.", field=where, line=line)
    refuse_unknown(raw, COMMENT_FIELDS, where, line)
    return CommentRecord(
        author=text_field(
            raw.get("author"), f"{where}.author", line, required=True, max_length=NAME_LENGTH
        ),
        body=text_field(raw.get("body"), f"{where}.body", line, required=True),
        created_at=datetime_field(raw.get("created_at"), f"{where}.created_at", line),
    )


def parse_claim(
    row: dict[str, Any], line: int, documents: dict[str, DocumentRecord]
) -> ClaimRecord:
    refuse_unknown(row, CLAIM_KEYS, "", line)
    document = row.get("document")
    if isinstance(document, dict):
        refuse_unknown(document, DOCUMENT_REFERENCE_KEYS, "document", line)
    key = str(document.get("id")) if isinstance(document, dict) else None
    if key not in documents:
        raise InvalidInput(
            "refers to a document with no (valid) document record before it.",
            field="document.id",
            line=line,
        )
    text = text_field(row.get("text"), "text", line, required=True)
    start, end = row.get("start"), row.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        raise InvalidInput(
            "start and end must be offsets with start < end.", field="start", line=line
        )
    if documents[key].text[start:end] != text:
        raise InvalidInput(
            "is not the document's text between start and end.", field="text", line=line
        )
    score = row.get("score")
    if score is not None and not isinstance(score, int | float):
        raise InvalidInput("must be a number or null.", field="score", line=line)
    claim_types = row.get("claim_types") or []
    if not isinstance(claim_types, list) or not all(isinstance(t, str) for t in claim_types):
        raise InvalidInput("must be a list of strings.", field="claim_types", line=line)
    verdict = row.get("final_verdict") or {}
    if not isinstance(verdict, dict):
        raise InvalidInput("must be an object or null.", field="final_verdict", line=line)
    refuse_unknown(verdict, VERDICT_KEYS, "final_verdict", line)
    metadata = row.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise InvalidInput("must be an object.", field="metadata", line=line)
    annotations = row.get("annotations") or []
    reviews = row.get("reviews") or []
    comments = row.get("comments") or []
    if not isinstance(annotations, list):
        raise InvalidInput("must be a list.", field="annotations", line=line)
    if not isinstance(reviews, list):
        raise InvalidInput("must be a list.", field="reviews", line=line)
    if not isinstance(comments, list):
        raise InvalidInput("must be a list.", field="comments", line=line)
    locked = row.get("locked") or False
    if not isinstance(locked, bool):
        raise InvalidInput("must be true or false.", field="locked", line=line)
    # Files written before claims had public ids carry the database id: a new one is made.
    public_id = None if isinstance(row.get("id"), int) else uuid_field(row.get("id"), "id", line)
    claim = ClaimRecord(
        line=line,
        document_key=key,
        text=text,
        public_id=public_id,
        start=start,
        end=end,
        speaker=text_field(row.get("speaker"), "speaker", line, max_length=200),
        score=score,
        scorer_version=text_field(
            row.get("scorer_version"), "scorer_version", line, max_length=100
        ),
        claim_types=claim_types,
        origin=choice_field(row.get("origin"), "origin", line, CLAIM_ORIGINS, "imported"),
        status=choice_field(row.get("status"), "status", line, CLAIM_STATUSES),
        final_verdict=text_field(verdict.get("key"), "final_verdict.key", line, max_length=200),
        final_rationale=text_field(verdict.get("rationale"), "final_verdict.rationale", line),
        review_comment=text_field(
            verdict.get("review_comment"), "final_verdict.review_comment", line
        ),
        rejection_reason=text_field(row.get("rejection_reason"), "rejection_reason", line),
        locked=locked,
        merged_into=uuid_field(row.get("merged_into"), "merged_into", line),
        location_iso_code=text_field(
            row.get("location_iso_code"), "location_iso_code", line, max_length=2
        ),
        claim_date=date_field(row.get("claim_date"), "claim_date", line),
        review_url=url_field(row.get("review_url"), "review_url", line),
        review_date=date_field(row.get("review_date"), "review_date", line),
        metadata=metadata,
        annotations=[
            parse_annotation(a, f"annotations[{i}]", line) for i, a in enumerate(annotations)
        ],
        reviews=[parse_review(r, f"reviews[{i}]", line) for i, r in enumerate(reviews)],
        comments=[parse_comment(c, f"comments[{i}]", line) for i, c in enumerate(comments)],
    )
    if claim.locked and claim.status != ClaimStatus.APPROVED:
        raise InvalidInput("only an approved claim can be locked.", field="locked", line=line)
    annotators = [a.annotator for a in claim.annotations]
    if len(set(annotators)) != len(annotators):
        raise InvalidInput("one annotator has two annotations.", field="annotations", line=line)
    for i, review in enumerate(claim.reviews):
        if review.annotation_by and review.annotation_by not in annotators:
            raise InvalidInput(
                f"{review.annotation_by!r} has no annotation of this claim.",
                field=f"reviews[{i}].annotation_by",
                line=line,
            )
    return claim


def parse_lines(
    lines: Iterable[str],
    documents: dict[str, DocumentRecord],
    skip: Container[int] = (),
) -> Iterator[DocumentRecord | ClaimRecord | InvalidInput]:
    """Each record of the file, or the error that makes its line bad, one line at a time.
    Documents are added to `documents` as they come: a claim's offsets are checked against
    its document's text, which must come before it. Lines numbered in `skip` are passed
    over unread."""
    for line, raw in enumerate(lines, start=1):
        if line in skip or not raw.strip():
            continue
        try:
            row = load_json(raw, line=line)
            if not isinstance(row, dict):
                raise InvalidInput("each line must be a JSON object.", line=line)
            kind = row.get("type")
            if kind == "document":
                document = parse_document(row, line)
                if document.key in documents:
                    raise InvalidInput(
                        f"document {document.key} is already on line "
                        f"{documents[document.key].line}.",
                        field="id",
                        line=line,
                    )
                documents[document.key] = document
                yield document
            elif kind == "claim":
                yield parse_claim(row, line, documents)
            else:
                raise InvalidInput("must be 'document' or 'claim'.", field="type", line=line)
        except InvalidInput as exc:
            yield exc
