"""Reading claims for export: plain values in keyset-paginated chunks.

Every format reads through `iter_claims`. It never builds model instances and holds a
fixed number of chunks of claims (with their annotations, sources and reviews) in memory,
READERS + 2 at most, so an export of a million claims uses the same memory as one of a
thousand. Claims come in
id order, which is the order a file was imported in, so a restored project exports in
the same order."""

from __future__ import annotations

import datetime
import gc
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import orjson
from django.db import connection, connections, models
from django.db.models import F, Func, Lookup, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

from ..models import Annotation, Claim, Comment, Document, Project, Review, Source
from .filters import ExportFilters

CHUNK_SIZE = 2000
READERS = 2

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

Row = dict[str, Any]
Chunk = TypeVar("Chunk")


class IsoDateTime(Func):
    """A timestamp as text, exactly as Python's `isoformat()` writes it in UTC, made by the
    database: parsing a hundred thousand timestamps into datetime objects only to format
    them again was the largest single cost of an export."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return iso_sql(sql), params

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps SQLite timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(replace({sql}, ' ', 'T') || '+00:00')", params


def iso_sql(column: str) -> str:
    """PostgreSQL: the timestamp `column` as the text Python's isoformat() gives in UTC
    (microseconds as six digits, and only when there are some)."""
    text = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"(replace({text}, '.000000', '') || '+00:00')"


def timestamps_as_text(fields: tuple[str, ...], timestamps: set[str]) -> list:
    """values_list() arguments: the timestamp fields as IsoDateTime text, the rest as is."""
    return [IsoDateTime(name) if name in timestamps else name for name in fields]


def json_as_text(fields: tuple[str, ...], json_fields: set[str]) -> list:
    """values_list() arguments: JSON fields as their text, for orjson to decode (Django's
    JSONField decodes each value with the json module, several times slower)."""
    return [Cast(name, TextField()) if name in json_fields else name for name in fields]


def array_literal(ids: list[int]) -> str:
    """PostgreSQL's text form of an array of ids, sent as one parameter: psycopg would
    adapt a list of ints one number at a time."""
    return "{" + ",".join(map(str, ids)) + "}"


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
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, array_literal(ids)]
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
    the database built, with no ids beside them (see json_parts_sql)."""
    claims = filtered_claims(project, filters)
    read = chunk_reader(
        claims,
        annotations=annotations,
        sources=sources,
        reviews=reviews,
        comments=comments,
        document_text=document_text,
        as_json=as_json,
    )
    for chunk in read_chunks(claims, read, progress, chunk_size):
        yield from chunk


def read_chunks(
    claims: QuerySet,
    read: Callable[[int, int], Chunk],
    progress: Progress | None = None,
    chunk_size: int | None = None,
    size: Callable[[Chunk], int] = len,
) -> Iterator[Chunk]:
    """`read(first, last)` for each chunk of `claims`, in id order, counted in `progress`
    (`size` says how many claims a chunk holds). On PostgreSQL outside a transaction the
    chunks are read by READERS threads on connections of their own while the caller
    writes: the database then works on one core while Python works on the other, and one
    reader's queries overlap another's reading."""
    bounds = chunk_bounds(claims, chunk_size or CHUNK_SIZE)
    if can_read_in_threads():
        chunks = read_in_threads(bounds, read, READERS)
    else:
        chunks = (read(first, last) for first, last in bounds)
    done = 0
    for chunk in chunks:
        yield chunk
        done += size(chunk)
        if progress is not None:
            progress.read = done
            if progress.on_read is not None:
                progress.on_read(done)


def chunk_bounds(claims: QuerySet, chunk_size: int) -> Iterator[tuple[int, int]]:
    """The first and last claim id of each chunk, from the ids alone. Keyset pagination:
    "id > last" on the primary key stays as fast on the last chunk as on the first."""
    last_id = 0
    while True:
        ids = list(
            claims.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:chunk_size]
        )
        if not ids:
            return
        yield ids[0], ids[-1]
        if len(ids) < chunk_size:
            return
        last_id = ids[-1]


def can_read_in_threads() -> bool:
    """Another connection sees what this one sees only when this one is not inside a
    transaction (its uncommitted rows, its snapshot); SQLite gains nothing from it."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def read_in_threads(
    bounds: Iterator[tuple[int, int]],
    read: Callable[[int, int], Chunk],
    readers: int,
) -> Iterator[Chunk]:
    """`read(first, last)` for each of `bounds`, in `readers` threads, yielded in order.
    At most `readers` + 1 chunks are asked for ahead of the one being written, so memory
    stays bounded. An error in a reader is raised here; a caller that stops early (a
    closed download) stops the readers, which close their connections."""
    todo: queue.Queue = queue.Queue()
    results: dict[int, object] = {}
    finished = threading.Condition()

    def work() -> None:
        try:
            while (item := todo.get()) is not None:
                index, (first, last) = item
                try:
                    result: object = read(first, last)
                except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
                    result = error
                with finished:
                    results[index] = result
                    finished.notify_all()
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=work, name=f"export-reader-{n}", daemon=True)
        for n in range(readers)
    ]
    for thread in threads:
        thread.start()
    try:
        asked, next_index = 0, 0
        for first_last in bounds:
            todo.put((asked, first_last))
            asked += 1
            while asked - next_index > readers:
                yield take(results, finished, next_index)
                next_index += 1
        while next_index < asked:
            yield take(results, finished, next_index)
            next_index += 1
    finally:
        for _ in threads:
            todo.put(None)
        for thread in threads:
            thread.join()


def take(results: dict[int, object], finished: threading.Condition, index: int) -> Any:
    with finished:
        finished.wait_for(lambda: index in results)
        result = results.pop(index)
    if isinstance(result, BaseException):
        raise result
    return result  # type: ignore[return-value]


class CollectionsPaused:
    """No cyclic garbage collection while chunks are built. Building one allocates some
    hundred thousand dicts and lists, none of them in a cycle, and each allocation burst
    set off collections that scanned every object in the process: about a quarter of an
    export's time. Counted, so that readers in several threads pause and resume it
    together; nothing in the block yields, so a pause never outlasts the reading."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readers = 0
        self.was_enabled = False

    def __enter__(self) -> None:
        with self.lock:
            if self.readers == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.readers += 1

    def __exit__(self, *exc_info: object) -> None:
        with self.lock:
            self.readers -= 1
            if self.readers == 0 and self.was_enabled:
                gc.enable()


collections_paused = CollectionsPaused()


def chunk_reader(
    claims: QuerySet,
    *,
    annotations: bool,
    sources: bool | str,
    reviews: bool,
    comments: bool = False,
    document_text: bool,
    as_json: bool = False,
) -> Callable[[int, int], list[Row]]:
    """`read(first, last)`: the claims with ids from first to last, in id order, each with
    what it refers to."""
    document_fields = DOCUMENT_FIELDS + (("text",) if document_text else ())
    claim_fields = CLAIM_FIELDS
    claim_values = [
        CLAIM_RELATED.get(name, value) if isinstance(value, str) else value
        for name, value in zip(
            CLAIM_FIELDS, json_as_text(CLAIM_FIELDS, {"claim_types", "metadata"}), strict=True
        )
    ]
    source_fields = SOURCE_FIELDS + (("snapshot_text",) if sources == "snapshots" else ())
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

    wanted = {"annotations": annotations, "reviews": reviews, "comments": comments}
    json_queries = (
        {
            name: sql
            for name, sql in json_parts_sql(snapshots=sources == "snapshots").items()
            if wanted[name]
        }
        if as_json
        else {}
    )

    def read(first: int, last: int) -> list[Row]:
        with collections_paused:
            if as_json and connection.vendor == "postgresql":
                return read_chunk_as_json(first, last)
            return read_chunk(first, last)

    def read_claims(first: int, last: int) -> list[Row]:
        chunk = [
            dict(zip(claim_fields, values, strict=True))
            for values in claims.filter(id__gte=first, id__lte=last)
            .order_by("id")
            .values_list(*claim_values)
        ]
        for row in chunk:
            row["claim_types"] = orjson.loads(row["claim_types"])
            row["metadata"] = orjson.loads(row["metadata"])
        return chunk

    def read_documents(chunk: list[Row]) -> dict[int, Row]:
        return {
            values[0]: dict(zip(document_fields, values, strict=True))
            for values in Document.objects.filter(
                id__in={row["document_id"] for row in chunk}
            ).values_list(*timestamps_as_text(document_fields, {"published_at"}))
        }

    def read_chunk_as_json(first: int, last: int) -> list[Row]:
        chunk = read_claims(first, last)
        documents = read_documents(chunk)
        ids = array_literal([row["id"] for row in chunk])
        parts: dict[str, dict[int, str]] = {}
        with connection.cursor() as cursor:
            for name, sql in json_queries.items():
                cursor.execute(sql, [ids])
                parts[name] = dict(cursor.fetchall())
        for row in chunk:
            row["document"] = documents[row["document_id"]]
            for name in ("annotations", "reviews", "comments"):
                row[name] = orjson.Fragment(parts.get(name, {}).get(row["id"], "[]"))
        return chunk

    def read_chunk(first: int, last: int) -> list[Row]:
        chunk = read_claims(first, last)
        # The chunk's ids go to the database as one array (see AnyOf): looked up through
        # the claim_id indexes, however the claims are spread among other projects' rows.
        ids = [row["id"] for row in chunk]
        documents = read_documents(chunk)
        by_claim: dict[int, list[Row]] = defaultdict(list)
        annotation_ids: dict[int, list[int]] = defaultdict(list)
        source_ids: dict[int, list[list[int]]] = defaultdict(list)
        annotators: dict[int, list[str]] = defaultdict(list)
        if annotations and sources == "count":
            # A summary (the CSV of claims): who annotated, in order, and no more.
            for claim_id, username in (
                Annotation.objects.filter(claim__any_of=Ids(ids))
                .order_by("claim_id", "id")
                .values_list("claim_id", "annotator__username")
            ):
                annotators[claim_id].append(username)
        elif annotations:
            annotation_rows = []
            for annotation_id, claim_id, *values in (
                Annotation.objects.filter(claim__any_of=Ids(ids))
                .order_by("claim_id", "id")
                .values_list(
                    "id",
                    "claim_id",
                    *timestamps_as_text(tuple(ANNOTATION_COLUMNS), {"submitted_at"}),
                )
            ):
                annotation = dict(zip(ANNOTATION_FIELDS, values, strict=True))
                annotation_rows.append((annotation_id, claim_id, annotation))
            by_annotation: dict[int, list[Row]] = defaultdict(list)
            ids_by_annotation: dict[int, list[int]] = defaultdict(list)
            if sources in (True, "snapshots") and annotation_rows:
                for source_id, annotation_id, *values in (
                    Source.objects.filter(annotation__any_of=Ids([a[0] for a in annotation_rows]))
                    .order_by("annotation_id", "position", "id")
                    .values_list(
                        "id",
                        "annotation_id",
                        *timestamps_as_text(source_fields, {"published_at", "fetched_at"}),
                    )
                ):
                    by_annotation[annotation_id].append(
                        dict(zip(source_fields, values, strict=True))
                    )
                    ids_by_annotation[annotation_id].append(source_id)
            for annotation_id, claim_id, annotation in annotation_rows:
                annotation["sources"] = by_annotation.get(annotation_id, [])
                by_claim[claim_id].append(annotation)
                annotation_ids[claim_id].append(annotation_id)
                source_ids[claim_id].append(ids_by_annotation.get(annotation_id, []))
        reviews_by_claim: dict[int, list[Row]] = defaultdict(list)
        if reviews:
            for claim_id, *values in (
                Review.objects.filter(claim__any_of=Ids(ids))
                .order_by("claim_id", "created_at", "id")
                .values_list("claim_id", *timestamps_as_text(tuple(REVIEW_COLUMNS), {"created_at"}))
            ):
                reviews_by_claim[claim_id].append(dict(zip(REVIEW_FIELDS, values, strict=True)))
        comments_by_claim: dict[int, list[Row]] = defaultdict(list)
        if comments:
            for claim_id, *values in (
                Comment.objects.filter(claim__any_of=Ids(ids))
                .order_by("claim_id", "created_at", "id")
                .values_list(
                    "claim_id", *timestamps_as_text(tuple(COMMENT_COLUMNS), {"created_at"})
                )
            ):
                comments_by_claim[claim_id].append(dict(zip(COMMENT_FIELDS, values, strict=True)))
        for row in chunk:
            row["document"] = documents[row["document_id"]]
            row["annotations"] = by_claim.get(row["id"], [])
            row["annotation_ids"] = annotation_ids.get(row["id"], [])
            row["source_ids"] = source_ids.get(row["id"], [])
            row["annotators"] = annotators.get(row["id"], [])
            row["reviews"] = reviews_by_claim.get(row["id"], [])
            row["comments"] = comments_by_claim.get(row["id"], [])
        return chunk

    return read


def json_parts_sql(snapshots: bool = False) -> dict[str, str]:
    """PostgreSQL queries giving, for the claims whose ids are the array parameter, each
    claim's id and its annotations (each with its sources) or its reviews as one JSON
    array, in the native JSONL's shape and order: exactly the bytes orjson writes from
    what read_chunk reads. row_to_json writes compact JSON and escapes strings as orjson
    does; timestamps are iso_sql text. Building this in the database's C code instead of
    as Python dicts is most of what makes the native JSONL fast. snapshots=True adds each
    source's `snapshot_text`, as read_chunk does for sources="snapshots"."""
    annotation, source, review, comment = (
        model._meta.db_table for model in (Annotation, Source, Review, Comment)
    )
    user = Annotation._meta.get_field("annotator").related_model._meta.db_table
    source_values = select_list(
        SOURCE_FIELDS + (("snapshot_text",) if snapshots else ()),
        {"published_at": iso_sql("s.published_at"), "fetched_at": iso_sql("s.fetched_at")},
        table="s",
    )
    annotation_values = select_list(
        (*ANNOTATION_FIELDS, "sources"),
        {
            "annotator": "u.username",
            "submitted_at": iso_sql("a.submitted_at"),
            "sources": "coalesce(src.sources, '[]')::json",
        },
        table="a",
    )
    review_values = select_list(
        REVIEW_FIELDS,
        {
            "editor": "e.username",
            "annotation_by": "au.username",
            "created_at": iso_sql("r.created_at"),
        },
        table="r",
    )
    comment_values = select_list(
        COMMENT_FIELDS,
        {"author": "cu.username", "created_at": iso_sql("m.created_at")},
        table="m",
    )
    return {
        "annotations": f"""
            SELECT a.claim_id, '[' || string_agg(row_to_json(j)::text, ',' ORDER BY a.id) || ']'
            FROM {annotation} a
            JOIN {user} u ON u.id = a.annotator_id
            LEFT JOIN LATERAL (
                SELECT '[' || string_agg(row_to_json(sj)::text, ',' ORDER BY s.position, s.id)
                    || ']' AS sources
                FROM {source} s CROSS JOIN LATERAL (SELECT {source_values}) sj
                WHERE s.annotation_id = a.id
            ) src ON true
            CROSS JOIN LATERAL (SELECT {annotation_values}) j
            WHERE a.claim_id = ANY(%s::bigint[])
            GROUP BY a.claim_id""",
        "reviews": f"""
            SELECT r.claim_id,
                '[' || string_agg(row_to_json(j)::text, ',' ORDER BY r.created_at, r.id) || ']'
            FROM {review} r
            JOIN {user} e ON e.id = r.editor_id
            LEFT JOIN {annotation} ra ON ra.id = r.annotation_id
            LEFT JOIN {user} au ON au.id = ra.annotator_id
            CROSS JOIN LATERAL (SELECT {review_values}) j
            WHERE r.claim_id = ANY(%s::bigint[])
            GROUP BY r.claim_id""",
        "comments": f"""
            SELECT m.claim_id,
                '[' || string_agg(row_to_json(j)::text, ',' ORDER BY m.created_at, m.id) || ']'
            FROM {comment} m
            JOIN {user} cu ON cu.id = m.author_id
            CROSS JOIN LATERAL (SELECT {comment_values}) j
            WHERE m.claim_id = ANY(%s::bigint[])
            GROUP BY m.claim_id""",
    }


def select_list(names: tuple[str, ...], expressions: dict[str, str], table: str) -> str:
    """`expression AS name, ...`: the named column of `table` unless another expression is
    given. The names become the JSON keys, in this order."""
    return ", ".join(f"{expressions.get(name, f'{table}.{name}')} AS {name}" for name in names)


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
