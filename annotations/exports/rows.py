"""Reading claims for export: plain values in keyset-paginated chunks.

Every format reads through `iter_claims`. It never builds model instances and never holds
more than one chunk of claims (with their annotations, sources and reviews) in memory, so
an export of a million claims uses the same memory as one of a thousand. Claims come in
id order, which is the order a file was imported in, so a restored project exports in
the same order."""

from __future__ import annotations

import datetime
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from django.db import connection, connections, models
from django.db.models import Func, Lookup, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

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


class IsoDateTime(Func):
    """A timestamp as text, exactly as Python's `isoformat()` writes it in UTC, made by the
    database: parsing a hundred thousand timestamps into datetime objects only to format
    them again was the largest single cost of an export."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        # isoformat() writes microseconds as six digits, and only when there are some.
        sql, params = compiler.compile(self.source_expressions[0])
        text = f"to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        return f"(replace({text}, '.000000', '') || '+00:00')", params

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps SQLite timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(replace({sql}, ' ', 'T') || '+00:00')", params


def timestamps_as_text(fields: tuple[str, ...], timestamps: set[str]) -> list:
    """values_list() arguments: the timestamp fields as IsoDateTime text, the rest as is."""
    return [IsoDateTime(name) if name in timestamps else name for name in fields]


def json_as_text(fields: tuple[str, ...], json_fields: set[str]) -> list:
    """values_list() arguments: JSON fields as their text, for orjson to decode (Django's
    JSONField decodes each value with the json module, several times slower)."""
    return [Cast(name, TextField()) if name in json_fields else name for name in fields]


class Ids:
    """Ids for `any_of`, wrapped so Django passes them through whole instead of resolving
    and checking each of thousands of values."""

    def __init__(self, ids: list[int]):
        self.ids = ids


@models.ForeignKey.register_lookup
class AnyOf(Lookup):
    """`fk__any_of=Ids([...])`: on PostgreSQL one array parameter (`= ANY(...)`), which
    the planner answers with index lookups, instead of an IN list of thousands of
    placeholders that Django and psycopg build and parse one by one. IN elsewhere."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs.ids]
        if connection.vendor == "postgresql":
            # An array literal: psycopg would adapt a list of ints one number at a time.
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, f"{{{','.join(map(str, ids))}}}"]
        if not ids:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


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
    read_ahead: bool | None = None,
) -> Iterator[Row]:
    """Yield each claim as a dict of its values, with `document`, `annotations` (each with
    its `sources`) and `reviews` attached when asked for. sources="count" gives the claim
    an `n_sources` instead, and its annotations only their id, claim and annotator.

    On PostgreSQL outside a transaction the next chunk is read on a second connection while
    this one is written (`read_ahead`, on by default there): the database and the writer
    then work at the same time, on two cores, instead of in turn."""
    chunks = read_chunks(
        filtered_claims(project, filters),
        chunk_size or CHUNK_SIZE,
        annotations=annotations,
        sources=sources,
        reviews=reviews,
        document_text=document_text,
    )
    if read_ahead is None:
        read_ahead = can_read_ahead()
    done = 0
    for chunk in read_chunks_ahead(chunks) if read_ahead else chunks:
        yield from chunk
        done += len(chunk)
        if progress is not None:
            progress.read = done
            if progress.on_read is not None:
                progress.on_read(done)


def can_read_ahead() -> bool:
    """A second connection sees what this one sees only when this one is not inside a
    transaction (its uncommitted rows, its snapshot); SQLite gains nothing from it."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


_END = object()


def read_chunks_ahead(chunks: Iterator[list[Row]]) -> Iterator[list[Row]]:
    """Iterate `chunks` in a thread (with its own database connection), one chunk ahead of
    the caller: at most three chunks are in memory, the one read, the one waiting and the
    one being written. Errors are raised in the caller; a caller that stops early (a
    closed download) stops the thread."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stopped = threading.Event()

    def hand_over(item: object) -> bool:
        while not stopped.is_set():
            try:
                handoff.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not hand_over(chunk):
                    return
            hand_over(_END)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            hand_over(error)
        finally:
            connections.close_all()  # this thread's connections only

    reader = threading.Thread(target=read, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := handoff.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stopped.set()
        reader.join()


def read_chunks(
    claims: QuerySet,
    chunk_size: int,
    *,
    annotations: bool,
    sources: bool | str,
    reviews: bool,
    document_text: bool,
) -> Iterator[list[Row]]:
    """The claims in id order, `chunk_size` at a time, each chunk with what it refers to."""
    document_fields = DOCUMENT_FIELDS + (("text",) if document_text else ())
    claim_fields, claim_values = (
        CLAIM_FIELDS,
        json_as_text(CLAIM_FIELDS, {"claim_types", "metadata"}),
    )
    if sources == "count":
        # Counted by the database beside each claim: no source row crosses to Python.
        claim_fields += ("n_sources",)
        claim_values.append(
            Subquery(
                Source.objects.filter(annotation__claim=OuterRef("pk"))
                .order_by()
                .values(n=Func("id", function="COUNT"))
            )
        )
    last_id = 0
    while True:
        # Keyset pagination: "id > last" on the primary key stays as fast on the last
        # chunk as on the first, unlike OFFSET.
        chunk = [
            dict(zip(claim_fields, values, strict=True))
            for values in claims.filter(id__gt=last_id)
            .order_by("id")
            .values_list(*claim_values)[:chunk_size]
        ]
        if not chunk:
            return
        for row in chunk:
            row["claim_types"] = orjson.loads(row["claim_types"])
            row["metadata"] = orjson.loads(row["metadata"])
        last_id = chunk[-1]["id"]
        # The chunk's ids go to the database as one array (see AnyOf): looked up through
        # the claim_id indexes, however the claims are spread among other projects' rows.
        ids = [row["id"] for row in chunk]
        documents = {
            values[0]: dict(zip(document_fields, values, strict=True))
            for values in Document.objects.filter(
                id__in={row["document_id"] for row in chunk}
            ).values_list(*timestamps_as_text(document_fields, {"published_at"}))
        }
        by_claim: dict[int, list[Row]] = defaultdict(list)
        if annotations:
            # Counting sources means only who annotated is wanted (the CSV of claims).
            fields = ANNOTATION_FIELDS[:3] if sources == "count" else ANNOTATION_FIELDS
            annotation_rows = [
                dict(zip(fields, values, strict=True))
                for values in Annotation.objects.filter(claim__any_of=Ids(ids))
                .order_by("claim_id", "id")
                .values_list(*timestamps_as_text(fields, {"submitted_at"}))
            ]
            by_annotation: dict[int, list[Row]] = defaultdict(list)
            if sources is True and annotation_rows:
                for values in (
                    Source.objects.filter(
                        annotation__any_of=Ids([a["id"] for a in annotation_rows])
                    )
                    .order_by("annotation_id", "position", "id")
                    .values_list(*timestamps_as_text(SOURCE_FIELDS, {"published_at", "fetched_at"}))
                ):
                    by_annotation[values[1]].append(dict(zip(SOURCE_FIELDS, values, strict=True)))
            for annotation in annotation_rows:
                annotation["sources"] = by_annotation.get(annotation["id"], [])
                by_claim[annotation["claim_id"]].append(annotation)
        reviews_by_claim: dict[int, list[Row]] = defaultdict(list)
        if reviews:
            for values in (
                Review.objects.filter(claim__any_of=Ids(ids))
                .order_by("claim_id", "created_at", "id")
                .values_list(*timestamps_as_text(REVIEW_FIELDS, {"created_at"}))
            ):
                reviews_by_claim[values[0]].append(dict(zip(REVIEW_FIELDS, values, strict=True)))
        for row in chunk:
            row["document"] = documents[row["document_id"]]
            row["annotations"] = by_claim.get(row["id"], [])
            row["reviews"] = reviews_by_claim.get(row["id"], [])
        yield chunk
        if len(chunk) < chunk_size:
            return


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
