"""Native JSONL: the lossless superset, from which a project can be restored; and the
claims-only JSONL (`jsonl_claims`), one flat row per claim for dataset libraries.

Each line is one record with a `type`. A `document` record (with the full text) comes
right before the first claim of that document; each `claim` record carries everything
the workbench knows about the claim. See docs/formats.md.

Timestamps arrive as ISO 8601 text already (rows.IsoDateTime); dates go through `iso`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from ..models import Project, RatingLabel
from .chunks import Progress
from .filters import ExportFilters
from .rows import Row, iso, iter_claims

FORMAT_VERSION = 1


def document_record(document: Row) -> dict[str, Any]:
    return {
        "type": "document",
        "id": document["id"],
        "title": document["title"],
        "url": document["url"],
        "publisher": document["publisher"],
        "byline": document["byline"],
        "published_at": document["published_at"],
        "language": document["language"],
        "content_hash": document["content_hash"],
        "text": document["text"],
    }


def claim_record(row: Row, labels: dict[str, RatingLabel]) -> dict[str, Any]:
    document = row["document"]
    label = labels.get(row["final_verdict"])
    return {
        "type": "claim",
        "id": row["public_id"],
        "document": {
            "id": document["id"],
            "title": document["title"],
            "url": document["url"],
            "publisher": document["publisher"],
            "published_at": document["published_at"],
            "language": document["language"],
        },
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "speaker": row["speaker"],
        "claim_date": iso(row["claim_date"]),
        "score": row["score"],
        "scorer_version": row["scorer_version"],
        "claim_types": row["claim_types"],
        "origin": row["origin"],
        "status": row["status"],
        "final_verdict": {
            "key": row["final_verdict"],
            "label": label.label if label else row["final_verdict"],
            "ordinal": label.ordinal if label else None,
            "rationale": row["final_rationale"],
            "review_comment": row["review_comment"],
        }
        if row["final_verdict"]
        else None,
        "locked": row["locked"],
        "rejection_reason": row["rejection_reason"],
        "merged_into": row["merged_into"],
        "location_iso_code": row["location_iso_code"],
        "review_url": row["review_url"],
        "review_date": iso(row["review_date"]),
        "metadata": row["metadata"],
        # As fields.ANNOTATION_FIELDS, REVIEW_FIELDS and COMMENT_FIELDS name them (on
        # PostgreSQL, as JSON text the database built: postgresql.json_parts_sql).
        "annotations": row["annotations"],
        "reviews": row["reviews"],
        "comments": row["comments"],
    }


def dumps(record: dict[str, Any]) -> str:
    return orjson.dumps(record).decode()


def write_jsonl(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    labels = {label.key: label for label in project.rating_scale.labels.all()}
    seen_documents: set[int] = set()
    lines: list[str] = []
    rows = iter_claims(
        project,
        filters,
        sources="snapshots",
        comments=True,
        document_text=True,
        as_json=True,
        progress=progress,
    )
    for row in rows:
        document = row["document"]
        if document["id"] not in seen_documents:
            # A set of ids, a few bytes per document: the only state that grows.
            seen_documents.add(document["id"])
            lines.append(dumps(document_record(document)))
        lines.append(dumps(claim_record(row, labels)))
        if progress is not None:
            progress.written += 1
        if len(lines) >= 500:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def flat_claim_record(row: Row, labels: dict[str, RatingLabel]) -> dict[str, Any]:
    """One claim with its document's metadata, every row with the same keys and value
    types, so that Hugging Face `datasets` and pandas read one row per claim."""
    document = row["document"]
    label = labels.get(row["final_verdict"])
    return {
        "id": str(row["public_id"]),
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "speaker": row["speaker"],
        "claim_date": iso(row["claim_date"]),
        "location_iso_code": row["location_iso_code"],
        "claim_types": row["claim_types"],
        "score": row["score"],
        "origin": row["origin"],
        "status": row["status"],
        "final_verdict": row["final_verdict"],
        "final_verdict_label": label.label if label else row["final_verdict"],
        "final_verdict_ordinal": label.ordinal if label else None,
        "final_rationale": row["final_rationale"],
        "review_comment": row["review_comment"],
        "review_url": row["review_url"],
        "review_date": iso(row["review_date"]),
        "document_id": document["id"],
        "document_title": document["title"],
        "document_url": document["url"],
        "document_publisher": document["publisher"],
        "document_byline": document["byline"],
        "document_published_at": document["published_at"],
        "document_language": document["language"],
        # Free-form (imported records' extra fields): as JSON text, so its keys and types
        # cannot differ from row to row.
        "metadata": orjson.dumps(row["metadata"] or {}).decode(),
    }


def write_claims_jsonl(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    labels = {label.key: label for label in project.rating_scale.labels.all()}
    lines: list[str] = []
    rows = iter_claims(project, filters, annotations=False, reviews=False, progress=progress)
    for row in rows:
        lines.append(dumps(flat_claim_record(row, labels)))
        if progress is not None:
            progress.written += 1
        if len(lines) >= 1000:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
