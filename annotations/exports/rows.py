"""Reading claims for export: plain values in keyset-paginated chunks.

Every format reads through `iter_claims`. It never builds model instances and never holds
more than one chunk of claims (with their annotations, sources and reviews) in memory, so
an export of a million claims uses the same memory as one of a thousand. Claims come in
id order, which is the order a file was imported in, so a restored project exports in
the same order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count, QuerySet

from ..models import Annotation, Claim, Document, Project, Review, Source
from .filters import ExportFilters

CHUNK_SIZE = 2000

CLAIM_FIELDS = (
    "id",
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
    "rejection_reason",
    "claim_date",
    "review_url",
    "review_date",
    "metadata",
)
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
ANNOTATION_FIELDS = (
    "id",
    "claim_id",
    "annotator__username",
    "stance",
    "verdict",
    "rationale",
    "checkworthy",
    "state",
    "guideline_version",
    "submitted_at",
)
SOURCE_FIELDS = (
    "id",
    "annotation_id",
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
REVIEW_FIELDS = (
    "claim_id",
    "editor__username",
    "action",
    "verdict",
    "comment",
    "annotation__annotator__username",
    "created_at",
)

Row = dict[str, Any]


class Progress:
    """Counts an export as it runs: claims read (of the filtered total) and records
    written (a format leaves out claims it cannot express). `on_read` is called after
    each chunk, which is how a background export reports its progress."""

    def __init__(self, on_read: Callable[[int], None] | None = None):
        self.read = 0
        self.written = 0
        self.on_read = on_read


def filtered_claims(project: Project, filters: ExportFilters | None = None) -> QuerySet:
    claims = Claim.objects.filter(project=project)
    return filters.apply(claims) if filters else claims


def count_claims(project: Project, filters: ExportFilters | None = None) -> int:
    return filtered_claims(project, filters).count()


def iter_claims(
    project: Project,
    filters: ExportFilters | None = None,
    *,
    annotations: bool = True,
    sources: bool | str = True,
    reviews: bool = True,
    document_text: bool = False,
    progress: Progress | None = None,
    chunk_size: int | None = None,
) -> Iterator[Row]:
    """Yield each claim as a dict of its values, with `document`, `annotations` (each with
    `sources`, or only `n_sources` when sources="count") and `reviews` attached when asked for."""
    chunk_size = chunk_size or CHUNK_SIZE
    claims = filtered_claims(project, filters)
    document_fields = DOCUMENT_FIELDS + (("text",) if document_text else ())
    last_id, done = 0, 0
    while True:
        # Keyset pagination: "id > last" on the primary key stays as fast on the last
        # chunk as on the first, unlike OFFSET.
        chunk = [
            dict(zip(CLAIM_FIELDS, values, strict=True))
            for values in claims.filter(id__gt=last_id)
            .order_by("id")
            .values_list(*CLAIM_FIELDS)[:chunk_size]
        ]
        if not chunk:
            return
        last_id = chunk[-1]["id"]
        ids = [row["id"] for row in chunk]
        documents = {
            values[0]: dict(zip(document_fields, values, strict=True))
            for values in Document.objects.filter(
                id__in={row["document_id"] for row in chunk}
            ).values_list(*document_fields)
        }
        by_claim: dict[int, list[Row]] = defaultdict(list)
        if annotations:
            annotation_query = Annotation.objects.filter(claim_id__in=ids).order_by(
                "claim_id", "id"
            )
            annotation_fields = ANNOTATION_FIELDS
            if sources == "count":
                annotation_query = annotation_query.annotate(n_sources=Count("sources"))
                annotation_fields += ("n_sources",)
            annotation_rows = [
                dict(zip(annotation_fields, values, strict=True))
                for values in annotation_query.values_list(*annotation_fields)
            ]
            by_annotation: dict[int, list[Row]] = defaultdict(list)
            if sources is True and annotation_rows:
                for values in (
                    Source.objects.filter(annotation_id__in=[a["id"] for a in annotation_rows])
                    .order_by("annotation_id", "position", "id")
                    .values_list(*SOURCE_FIELDS)
                ):
                    by_annotation[values[1]].append(dict(zip(SOURCE_FIELDS, values, strict=True)))
            for annotation in annotation_rows:
                annotation["sources"] = by_annotation.get(annotation["id"], [])
                by_claim[annotation["claim_id"]].append(annotation)
        reviews_by_claim: dict[int, list[Row]] = defaultdict(list)
        if reviews:
            for values in (
                Review.objects.filter(claim_id__in=ids)
                .order_by("claim_id", "created_at", "id")
                .values_list(*REVIEW_FIELDS)
            ):
                reviews_by_claim[values[0]].append(dict(zip(REVIEW_FIELDS, values, strict=True)))
        for row in chunk:
            row["document"] = documents[row["document_id"]]
            row["annotations"] = by_claim.get(row["id"], [])
            row["reviews"] = reviews_by_claim.get(row["id"], [])
            yield row
        done += len(chunk)
        if progress is not None:
            progress.read = done
            if progress.on_read is not None:
                progress.on_read(done)
        if len(chunk) < chunk_size:
            return


def iso(value) -> str | None:
    return value.isoformat() if value else None


def claim_day(row: Row):
    """The date the claim was made: its own, or its document's publication date."""
    if row["claim_date"]:
        return row["claim_date"]
    published = row["document"]["published_at"]
    return published.date() if published else None


def review_day(row: Row):
    """When the fact-check was published: the imported date, or the last approval."""
    if row["review_date"]:
        return row["review_date"]
    decided = [r["created_at"] for r in row["reviews"] if r["action"] in ("approve", "override")]
    return decided[-1].date() if decided else None
