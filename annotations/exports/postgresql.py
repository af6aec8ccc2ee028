"""The PostgreSQL fast path of exports. The database formats timestamps (iso_sql), is sent
a chunk's ids as one array (AnyOf), builds the native JSONL's annotations, reviews and
comments as JSON text (json_parts_sql), and writes both CSV files itself (COPY ... TO
STDOUT). Each piece has a portable twin in rows.py and csv.py that writes the same bytes;
where `applies()` is false (SQLite, or this module taken out with the few lines that call
it) exports take that path, slower. tests/test_export_fast_path.py runs every format both
ways."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup

from ..models import Annotation, Claim, Comment, Document, Project, RatingLabel, Review, Source
from ..spreadsheets import inert_cell_sql
from .chunks import Progress, filtered_claims, read_chunks
from .fields import ANNOTATION_FIELDS, COMMENT_FIELDS, REVIEW_FIELDS, SOURCE_FIELDS
from .filters import ExportFilters


def applies(db: BaseDatabaseWrapper) -> bool:
    """Whether exports read through `db` take the fast path."""
    return db.vendor == "postgresql"


def iso_sql(column: str) -> str:
    """The timestamp `column` as the text Python's isoformat() gives in UTC (microseconds
    as six digits, and only when there are some)."""
    text = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"(replace({text}, '.000000', '') || '+00:00')"


def array_literal(ids: list[int]) -> str:
    """PostgreSQL's text form of an array of ids, sent as one parameter: psycopg would
    adapt a list of ints one number at a time."""
    return "{" + ",".join(map(str, ids)) + "}"


class Ids:
    """Ids for `any_of`, wrapped so Django passes them through whole instead of resolving
    and checking each of thousands of values."""

    def __init__(self, ids: list[int]):
        self.ids = ids


class AnyOf(Lookup):
    """`fk__any_of=Ids([...])`: one array parameter (`= ANY(...)`), which the planner
    answers with index lookups, instead of an IN list of thousands of placeholders that
    Django and psycopg build and parse one by one. Registered on ForeignKey by the app's
    ready(); PostgreSQL only."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs.ids]
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, array_literal(ids)]


def json_parts_sql(snapshots: bool = False) -> dict[str, str]:
    """PostgreSQL queries giving, for the claims whose ids are the array parameter, each
    claim's id and its annotations (each with its sources) or its reviews as one JSON
    array, in the native JSONL's shape and order: exactly the bytes orjson writes from
    what rows.ChunkReader reads. row_to_json writes compact JSON and escapes strings as
    orjson does; timestamps are iso_sql text. Building this in the database's C code
    instead of as Python dicts is most of what makes the native JSONL fast. snapshots=True
    adds each source's `snapshot_text`, as the reader does for sources="snapshots"."""
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


def read_json_parts(queries: dict[str, str], ids: list[int]) -> dict[str, dict[int, str]]:
    """Run json_parts_sql's `queries` for the claims `ids`: by part, each claim's JSON text."""
    parts: dict[str, dict[int, str]] = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql, [array_literal(ids)])
            parts[name] = dict(cursor.fetchall())
    return parts


def claim_rows(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """csv.claim_rows, written by PostgreSQL (see copy_rows): byte for byte the same."""
    scale = project.rating_scale_id
    yield from copy_rows(
        project,
        filters,
        progress,
        claim_rows_sql,
        lambda first, last: [scale, first, last, first, last],
    )


def claim_rows_sql(claims_sql: str) -> str:
    """The SELECT of csv.COLUMNS for copy_rows, for the claims `claims_sql` selects. Its
    parameters: the project's rating scale, then the chunk's first and last claim id
    twice. A chunk's annotations are summed up at once, in one pass over the
    annotation_claim index."""
    claim, document, label, annotation, source, user = (
        model._meta.db_table
        for model in (Claim, Document, RatingLabel, Annotation, Source, get_user_model())
    )
    columns = [
        "c.public_id",
        "c.document_id",
        text_cell("d.title"),
        text_cell("d.url"),
        iso_sql("d.published_at"),
        "to_char(c.claim_date, 'YYYY-MM-DD')",
        text_cell("c.text"),
        "c.start",
        'c."end"',
        text_cell("c.speaker"),
        # to_char formats a float with C's printf, which rounds as Python's format does.
        inert_cell_sql("to_char(c.score, 'FM0.0000')"),
        text_cell("c.scorer_version"),
        "(SELECT string_agg(t.type, ';' ORDER BY t.n)"
        " FROM jsonb_array_elements_text(c.claim_types) WITH ORDINALITY AS t(type, n))",
        text_cell("c.origin"),
        text_cell("c.status"),
        text_cell("c.final_verdict"),
        text_cell("coalesce(l.label, c.final_verdict)"),
        "l.ordinal",
        text_cell("c.final_rationale"),
        text_cell("c.review_comment"),
        text_cell("c.review_url"),
        "to_char(c.review_date, 'YYYY-MM-DD')",
        inert_cell_sql("a.annotators"),
        "coalesce(a.n_sources, 0)",
    ]
    return f"""
        SELECT {", ".join(columns)}
        FROM {claim} c
        JOIN {document} d ON d.id = c.document_id
        LEFT JOIN {label} l ON l.scale_id = %s AND l.key = c.final_verdict
        LEFT JOIN (
            SELECT an.claim_id,
                string_agg(u.username, ';' ORDER BY an.id) AS annotators,
                sum((SELECT count(*) FROM {source} s WHERE s.annotation_id = an.id)) AS n_sources
            FROM {annotation} an JOIN {user} u ON u.id = an.annotator_id
            WHERE an.claim_id BETWEEN %s AND %s
            GROUP BY an.claim_id
        ) a ON a.claim_id = c.id
        WHERE c.id BETWEEN %s AND %s AND c.id IN ({claims_sql})
        ORDER BY c.id"""


def empty_as_null(expression: str) -> str:
    """A text column for COPY's CSV, which quotes an empty string to tell it from NULL:
    empty becomes NULL, written as nothing, as Python's csv module writes ""."""
    return f"NULLIF({expression}, '')"


def text_cell(expression: str) -> str:
    """A text column as claim_rows writes it: empty as nothing, formula-like cells inert."""
    return empty_as_null(inert_cell_sql(expression))


class CopiedRows(NamedTuple):
    claims: int
    rows: int
    text: str


def copy_rows(
    project: Project,
    filters: ExportFilters | None,
    progress: Progress | None,
    select: Callable[[str], str],
    params: Callable[[int, int], list],
) -> Iterator[str]:
    """CSV rows written by PostgreSQL: `select(claims_sql)` (the query of the chunk's
    filtered claims put in), with `params(first, last)` (the chunk's first and last claim
    id) and then the claims query's own, run as COPY ... TO STDOUT (FORMAT csv) for each
    chunk of claims, its bytes passed through as they come. Python never sees a value, so
    the two reader threads keep both cores busy in the database. The queries read by
    ranges of ids, an index range scan (looking up each id of a list took half as long
    again). Numbers, dates and JSON are
    formatted in the query as the Python writers format them; one difference: a value
    holding a carriage return but no line feed is quoted here and not by Python's csv
    module (stored text has its line breaks normalised at ingest)."""
    claims = filtered_claims(project, filters)

    def read(first: int, last: int) -> CopiedRows:
        in_chunk = claims.filter(id__gte=first, id__lte=last).order_by()
        claims_sql, claims_params = in_chunk.values("id").query.sql_with_params()
        statement = f"COPY ({select(claims_sql)}) TO STDOUT (FORMAT csv)"
        with connection.cursor() as cursor:
            psycopg_cursor = cursor.cursor
            with psycopg_cursor.copy(statement, [*params(first, last), *claims_params]) as copy:
                text = b"".join(copy).decode("utf-8")
            rows = psycopg_cursor.rowcount
        return CopiedRows(in_chunk.count(), rows, text)

    for chunk in read_chunks(claims, read, progress, size=lambda chunk: chunk.claims):
        if progress is not None:
            progress.written += chunk.rows
        yield chunk.text


def annotation_rows(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """csv.annotation_rows, written by PostgreSQL (see copy_rows): byte for byte the same."""
    yield from copy_rows(
        project, filters, progress, annotation_rows_sql, lambda first, last: [first, last]
    )


def annotation_rows_sql(claims_sql: str) -> str:
    """The SELECT of csv.ANNOTATION_COLUMNS for copy_rows, for the claims `claims_sql`
    selects; its parameters the chunk's first and last claim id. The sources' JSON is put together as json.dumps writes it (", " and ": " between items);
    to_json escapes a string as json.dumps does with ensure_ascii=False."""
    claim, annotation, source, user = (
        model._meta.db_table for model in (Claim, Annotation, Source, get_user_model())
    )
    source_json = (
        """'{"url": ' || to_json(s.url) || ', "stance": ' || to_json(s.stance)"""
        """ || ', "quote": ' || to_json(s.quote) || '}'"""
    )
    columns = [
        "c.public_id",
        text_cell("c.text"),
        text_cell("u.username"),
        text_cell("an.state"),
        text_cell("an.stance"),
        text_cell("an.verdict"),
        text_cell("an.rationale"),
        "CASE an.checkworthy WHEN true THEN 'true' WHEN false THEN 'false' END",
        "an.guideline_version",
        iso_sql("an.submitted_at"),
        text_cell("src.urls"),
        text_cell("src.stances"),
        "src.json",
    ]
    return f"""
        SELECT {", ".join(columns)}
        FROM {annotation} an
        JOIN {claim} c ON c.id = an.claim_id
        JOIN {user} u ON u.id = an.annotator_id
        LEFT JOIN LATERAL (
            SELECT string_agg(s.url, ' ' ORDER BY s.position, s.id) AS urls,
                string_agg(s.stance, ' ' ORDER BY s.position, s.id) AS stances,
                '[' || string_agg({source_json}, ', ' ORDER BY s.position, s.id) || ']' AS json
            FROM {source} s
            WHERE s.annotation_id = an.id
        ) src ON true
        WHERE an.claim_id BETWEEN %s AND %s AND an.claim_id IN ({claims_sql})
        ORDER BY an.claim_id, an.id"""
