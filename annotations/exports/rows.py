"""Reading claims for export: plain values in keyset-paginated chunks (chunks.py).

Every format reads through `iter_claims`. It never builds model instances and holds a
fixed number of chunks of claims (with their annotations, sources and reviews) in memory,
READERS + 2 at most, so an export of a million claims uses the same memory as one of a
thousand. Claims come in id order, which is the order a file was imported in, so a
restored project exports in the same order. What is read is portable; on PostgreSQL
parts of it are done by the database instead (postgresql.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import orjson
from django.db import connection
from django.db.models import Func, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

from ..models import Annotation, Comment, Document, Project, Review, Source
from . import postgresql
from .chunks import Progress, collections_paused, filtered_claims, may_pause, read_chunks
from .fields import (
    ANNOTATION_COLUMNS,
    ANNOTATION_FIELDS,
    CLAIM_FIELDS,
    CLAIM_RELATED,
    COMMENT_COLUMNS,
    COMMENT_FIELDS,
    DOCUMENT_FIELDS,
    REVIEW_COLUMNS,
    REVIEW_FIELDS,
    SOURCE_FIELDS,
)
from .filters import ExportFilters

Row = dict[str, Any]


class IsoDateTime(Func):
    """A timestamp as text, exactly as Python's `isoformat()` writes it in UTC. SQLite and
    (postgresql.iso_sql) PostgreSQL make the text themselves: parsing a hundred thousand
    timestamps into datetime objects only to format them again was the largest single
    cost of an export. Elsewhere the value is read as it comes and formatted here."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if postgresql.applies(connection):
            return postgresql.iso_sql(sql), params
        return sql, params

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps SQLite timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(replace({sql}, ' ', 'T') || '+00:00')", params

    def get_db_converters(self, connection) -> list:
        if connection.vendor == "sqlite" or postgresql.applies(connection):
            return []
        return [utc_isoformat]


def utc_isoformat(value, expression, connection) -> str | None:
    return None if value is None else value.astimezone(datetime.UTC).isoformat()


def timestamps_as_text(fields: tuple[str, ...], timestamps: set[str]) -> list:
    """values_list() arguments: the timestamp fields as IsoDateTime text, the rest as is."""
    return [IsoDateTime(name) if name in timestamps else name for name in fields]


def json_as_text(fields: tuple[str, ...], json_fields: set[str]) -> list:
    """values_list() arguments: JSON fields as their text, for orjson to decode (Django's
    JSONField decodes each value with the json module, several times slower)."""
    return [Cast(name, TextField()) if name in json_fields else name for name in fields]


def iter_claims(
    project: Project,
    filters: ExportFilters | None = None,
    *,
    annotations: bool = True,
    sources: bool | str = True,
    reviews: bool = True,
    comments: bool = False,
    document_text: bool = False,
    as_json: bool = False,
    progress: Progress | None = None,
    chunk_size: int | None = None,
) -> Iterator[Row]:
    """Yield each claim as a dict of its values, with `document`, `annotations` (each with
    its `sources`; their ids in `annotation_ids` and `source_ids`) and `reviews` attached
    when asked for.
    sources="count" makes a summary instead: the claim's `n_sources` and its `annotators`
    (usernames in annotation order), and no annotations; sources="snapshots" gives each
    source its archived `snapshot_text` too. comments=True attaches the discussion thread
    (`comments`).
    as_json=True is for a writer that only passes annotations and reviews through to JSON
    (the native JSONL): on PostgreSQL they then come as `orjson.Fragment`s of JSON text
    the database built, with no ids beside them (see postgresql.json_parts_sql)."""
    claims = filtered_claims(project, filters)
    reader = ChunkReader(
        claims,
        annotations=annotations,
        sources=sources,
        reviews=reviews,
        comments=comments,
        document_text=document_text,
        as_json=as_json,
    )
    for chunk in read_chunks(claims, reader.read, progress, chunk_size):
        yield from chunk


class ChunkReader:
    """`read(first, last)`: the claims with ids from first to last, in id order, each with
    what it refers to (iter_claims says what that is). Reader threads call `read` at once,
    so it keeps no state between calls."""

    def __init__(
        self,
        claims: QuerySet,
        *,
        annotations: bool,
        sources: bool | str,
        reviews: bool,
        comments: bool = False,
        document_text: bool,
        as_json: bool = False,
    ) -> None:
        self.claims = claims
        self.annotations = annotations
        self.sources = sources
        self.reviews = reviews
        self.comments = comments
        self.document_fields = DOCUMENT_FIELDS + (("text",) if document_text else ())
        self.source_fields = SOURCE_FIELDS + (("snapshot_text",) if sources == "snapshots" else ())
        self.claim_fields = CLAIM_FIELDS
        self.claim_values = [
            CLAIM_RELATED.get(name, value) if isinstance(value, str) else value
            for name, value in zip(
                CLAIM_FIELDS, json_as_text(CLAIM_FIELDS, {"claim_types", "metadata"}), strict=True
            )
        ]
        if sources == "count":
            # Counted by the database beside each claim: no source row crosses to Python.
            self.claim_fields += ("n_sources",)
            self.claim_values.append(
                Subquery(
                    Source.objects.filter(annotation__claim=OuterRef("pk"))
                    .order_by()
                    .values(n=Func("id", function="COUNT"))
                )
            )
        # The queries that build annotations, reviews and comments as JSON text, when the
        # database can.
        self.json_queries: dict[str, str] | None = None
        if as_json and postgresql.applies(connection):
            wanted = {"annotations": annotations, "reviews": reviews, "comments": comments}
            self.json_queries = {
                name: sql
                for name, sql in postgresql.json_parts_sql(sources == "snapshots").items()
                if wanted[name]
            }
        # Decided here, in the thread that runs the export (see chunks.pausing_collections).
        self.pause = collections_paused if may_pause.get() else nullcontext()

    def read(self, first: int, last: int) -> list[Row]:
        with self.pause:
            chunk = self.read_claims(first, last)
            documents = self.read_documents(chunk)
            for row in chunk:
                row["document"] = documents[row["document_id"]]
            if self.json_queries is not None:
                self.attach_json(chunk)
            else:
                self.attach_related(chunk)
            return chunk

    def read_claims(self, first: int, last: int) -> list[Row]:
        chunk = [
            dict(zip(self.claim_fields, values, strict=True))
            for values in self.claims.filter(id__gte=first, id__lte=last)
            .order_by("id")
            .values_list(*self.claim_values)
        ]
        for row in chunk:
            row["claim_types"] = orjson.loads(row["claim_types"])
            row["metadata"] = orjson.loads(row["metadata"])
        return chunk

    def read_documents(self, chunk: list[Row]) -> dict[int, Row]:
        return {
            values[0]: dict(zip(self.document_fields, values, strict=True))
            for values in Document.objects.filter(
                id__in={row["document_id"] for row in chunk}
            ).values_list(*timestamps_as_text(self.document_fields, {"published_at"}))
        }

    def attach_json(self, chunk: list[Row]) -> None:
        """Annotations, reviews and comments as JSON text the database built."""
        parts = postgresql.read_json_parts(self.json_queries, [row["id"] for row in chunk])
        for row in chunk:
            for name in ("annotations", "reviews", "comments"):
                row[name] = orjson.Fragment(parts.get(name, {}).get(row["id"], "[]"))

    def attach_related(self, chunk: list[Row]) -> None:
        """Annotations (or their annotators), sources, reviews and comments as dicts."""
        ids = [row["id"] for row in chunk]
        annotators: dict[int, list[str]] = {}
        annotations: dict[int, list[Row]] = {}
        annotation_ids: dict[int, list[int]] = {}
        source_ids: dict[int, list[list[int]]] = {}
        if self.annotations and self.sources == "count":
            annotators = self.read_annotators(ids)
        elif self.annotations:
            annotations, annotation_ids, source_ids = self.read_annotations(ids)
        reviews = self.read_reviews(ids) if self.reviews else {}
        comments = self.read_comments(ids) if self.comments else {}
        for row in chunk:
            row["annotations"] = annotations.get(row["id"], [])
            row["annotation_ids"] = annotation_ids.get(row["id"], [])
            row["source_ids"] = source_ids.get(row["id"], [])
            row["annotators"] = annotators.get(row["id"], [])
            row["reviews"] = reviews.get(row["id"], [])
            row["comments"] = comments.get(row["id"], [])

    def one_of(self, field: str, ids: list[int]) -> dict[str, Any]:
        """filter() arguments for the rows whose `field` is one of `ids`. On PostgreSQL the
        ids go as one array (postgresql.AnyOf): looked up through the claim_id indexes,
        however the claims are spread among other projects' rows."""
        if postgresql.applies(connection):
            return {f"{field}__any_of": postgresql.Ids(ids)}
        return {f"{field}__in": ids}

    def read_annotators(self, ids: list[int]) -> dict[int, list[str]]:
        """A summary (the CSV of claims): who annotated each claim, in order, and no more."""
        annotators: dict[int, list[str]] = defaultdict(list)
        for claim_id, username in (
            Annotation.objects.filter(**self.one_of("claim", ids))
            .order_by("claim_id", "id")
            .values_list("claim_id", "annotator__username")
        ):
            annotators[claim_id].append(username)
        return annotators

    def read_annotations(self, ids: list[int]) -> tuple[dict, dict, dict]:
        """By claim: its annotations, each with its sources; their ids; its sources' ids
        (one list per annotation)."""
        rows = []
        for annotation_id, claim_id, *values in (
            Annotation.objects.filter(**self.one_of("claim", ids))
            .order_by("claim_id", "id")
            .values_list(
                "id",
                "claim_id",
                *timestamps_as_text(tuple(ANNOTATION_COLUMNS), {"submitted_at"}),
            )
        ):
            rows.append(
                (annotation_id, claim_id, dict(zip(ANNOTATION_FIELDS, values, strict=True)))
            )
        sources: dict[int, list[Row]] = {}
        ids_of_sources: dict[int, list[int]] = {}
        if self.sources in (True, "snapshots") and rows:
            sources, ids_of_sources = self.read_sources([row[0] for row in rows])
        annotations: dict[int, list[Row]] = defaultdict(list)
        annotation_ids: dict[int, list[int]] = defaultdict(list)
        source_ids: dict[int, list[list[int]]] = defaultdict(list)
        for annotation_id, claim_id, annotation in rows:
            annotation["sources"] = sources.get(annotation_id, [])
            annotations[claim_id].append(annotation)
            annotation_ids[claim_id].append(annotation_id)
            source_ids[claim_id].append(ids_of_sources.get(annotation_id, []))
        return annotations, annotation_ids, source_ids

    def read_sources(self, annotation_ids: list[int]) -> tuple[dict, dict]:
        """By annotation: its sources, in their order, and their ids."""
        sources: dict[int, list[Row]] = defaultdict(list)
        ids: dict[int, list[int]] = defaultdict(list)
        for source_id, annotation_id, *values in (
            Source.objects.filter(**self.one_of("annotation", annotation_ids))
            .order_by("annotation_id", "position", "id")
            .values_list(
                "id",
                "annotation_id",
                *timestamps_as_text(self.source_fields, {"published_at", "fetched_at"}),
            )
        ):
            sources[annotation_id].append(dict(zip(self.source_fields, values, strict=True)))
            ids[annotation_id].append(source_id)
        return sources, ids

    def read_reviews(self, ids: list[int]) -> dict[int, list[Row]]:
        reviews: dict[int, list[Row]] = defaultdict(list)
        for claim_id, *values in (
            Review.objects.filter(**self.one_of("claim", ids))
            .order_by("claim_id", "created_at", "id")
            .values_list("claim_id", *timestamps_as_text(tuple(REVIEW_COLUMNS), {"created_at"}))
        ):
            reviews[claim_id].append(dict(zip(REVIEW_FIELDS, values, strict=True)))
        return reviews

    def read_comments(self, ids: list[int]) -> dict[int, list[Row]]:
        comments: dict[int, list[Row]] = defaultdict(list)
        for claim_id, *values in (
            Comment.objects.filter(**self.one_of("claim", ids))
            .order_by("claim_id", "created_at", "id")
            .values_list("claim_id", *timestamps_as_text(tuple(COMMENT_COLUMNS), {"created_at"}))
        ):
            comments[claim_id].append(dict(zip(COMMENT_FIELDS, values, strict=True)))
        return comments


def iso(value) -> str | None:
    """ISO 8601 text of a date, or of a timestamp (which arrives as text already)."""
    if not value:
        return None
    return value if isinstance(value, str) else value.isoformat()


def day_of(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def claim_day(row: Row):
    """The date the claim was made: its own, or its document's publication date."""
    if row["claim_date"]:
        return row["claim_date"]
    return day_of(row["document"]["published_at"])


def review_day(row: Row):
    """When the fact-check was published: the imported date, or the last approval."""
    if row["review_date"]:
        return row["review_date"]
    decided = [r["created_at"] for r in row["reviews"] if r["action"] in ("approve", "override")]
    return day_of(decided[-1]) if decided else None
