"""CSV: one row per claim with flat columns, and (format `csv_annotations`) a second
file with one row per annotation. See docs/formats.md."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection

from ..models import Annotation, Claim, Document, Project, RatingLabel, Source
from ..spreadsheets import inert_cell_sql, inert_cells
from .filters import ExportFilters
from .rows import (
    Progress,
    filtered_claims,
    iso,
    iso_sql,
    iter_claims,
    read_chunks,
)

COLUMNS = [
    "claim_id",
    "document_id",
    "document_title",
    "document_url",
    "published_at",
    "claim_date",
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
    "final_verdict_label",
    "final_verdict_ordinal",
    "final_rationale",
    "review_comment",
    "review_url",
    "review_date",
    "annotators",
    "n_sources",
]

ANNOTATION_COLUMNS = [
    "claim_id",
    "claim_text",
    "annotator",
    "state",
    "stance",
    "verdict",
    "rationale",
    "checkworthy",
    "guideline_version",
    "submitted_at",
    "source_urls",
    "source_stances",
    "sources_json",
]


def flush(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_csv(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    rows = claim_rows_from_database if connection.vendor == "postgresql" else claim_rows
    yield ",".join(COLUMNS) + "\n"
    yield from rows(project, filters, progress)


def claim_rows(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The CSV rows of the claims, written by Python's csv module."""
    labels = {label.key: label for label in project.rating_scale.labels.all()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = iter_claims(project, filters, sources="count", reviews=False, progress=progress)
    for n, row in enumerate(rows, start=1):
        document = row["document"]
        label = labels.get(row["final_verdict"])
        writer.writerow(
            inert_cells(
                [
                    row["public_id"],
                    document["id"],
                    document["title"],
                    document["url"],
                    document["published_at"] or "",
                    iso(row["claim_date"]) or "",
                    row["text"],
                    row["start"],
                    row["end"],
                    row["speaker"],
                    "" if row["score"] is None else f"{row['score']:.4f}",
                    row["scorer_version"],
                    ";".join(row["claim_types"]),
                    row["origin"],
                    row["status"],
                    row["final_verdict"],
                    label.label if label else row["final_verdict"],
                    "" if label is None or label.ordinal is None else label.ordinal,
                    row["final_rationale"],
                    row["review_comment"],
                    row["review_url"],
                    iso(row["review_date"]) or "",
                    ";".join(row["annotators"]),
                    row["n_sources"],
                ]
            )
        )
        if progress is not None:
            progress.written += 1
        if n % 1000 == 0:
            yield flush(buffer)
    yield flush(buffer)


def claim_rows_from_database(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The same rows, written by PostgreSQL (see copy_rows). Byte for byte what claim_rows
    writes (a test compares them)."""
    scale = project.rating_scale_id
    yield from copy_rows(
        project,
        filters,
        progress,
        claim_rows_sql(),
        lambda first, last: [scale, first, last, first, last],
    )


def claim_rows_sql() -> str:
    """The SELECT of COLUMNS for copy_rows. Its parameters: the project's rating scale,
    then the chunk's first and last claim id twice. A chunk's annotations are summed up
    at once, in one pass over the annotation_claim index."""
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
        WHERE c.id BETWEEN %s AND %s AND c.id IN ({{claims}})
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
    select: str,
    params: Callable[[int, int], list],
) -> Iterator[str]:
    """CSV rows written by PostgreSQL: `select`, with `params(first, last)` (the chunk's
    first and last claim id) and the filtered claims of the chunk in place of `{claims}`,
    run as COPY ... TO STDOUT (FORMAT csv) for each chunk of claims, its bytes passed
    through as they come. Python never sees a value, so the two reader threads keep both
    cores busy in the database. The queries read by ranges of ids, an index range scan
    (looking up each id of a list took half as long again). Numbers, dates and JSON are
    formatted in the query as the Python writers format them; one difference: a value
    holding a carriage return but no line feed is quoted here and not by Python's csv
    module (stored text has its line breaks normalised at ingest)."""
    claims = filtered_claims(project, filters)

    def read(first: int, last: int) -> CopiedRows:
        in_chunk = claims.filter(id__gte=first, id__lte=last).order_by()
        claims_sql, claims_params = in_chunk.values("id").query.sql_with_params()
        statement = f"COPY ({select.replace('{claims}', claims_sql)}) TO STDOUT (FORMAT csv)"
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


def write_annotations_csv(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    on_postgresql = connection.vendor == "postgresql"
    rows = annotation_rows_from_database if on_postgresql else annotation_rows
    yield ",".join(ANNOTATION_COLUMNS) + "\n"
    yield from rows(project, filters, progress)


def annotation_rows_from_database(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The rows of annotation_rows, written by PostgreSQL (see copy_rows); a test compares
    the two."""
    yield from copy_rows(
        project, filters, progress, annotation_rows_sql(), lambda first, last: [first, last]
    )


def annotation_rows_sql() -> str:
    """The SELECT of ANNOTATION_COLUMNS for copy_rows; its parameters the chunk's first and
    last claim id. The
    sources' JSON is put together as json.dumps writes it (", " and ": " between items);
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
        WHERE an.claim_id BETWEEN %s AND %s AND an.claim_id IN ({{claims}})
        ORDER BY an.claim_id, an.id"""


def annotation_rows(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """One CSV row per annotation, written by Python's csv module."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for n, row in enumerate(iter_claims(project, filters, reviews=False, progress=progress), 1):
        for annotation in row["annotations"]:
            sources = annotation["sources"]
            writer.writerow(
                inert_cells(
                    [
                        row["public_id"],
                        row["text"],
                        annotation["annotator"],
                        annotation["state"],
                        annotation["stance"],
                        annotation["verdict"],
                        annotation["rationale"],
                        {True: "true", False: "false", None: ""}[annotation["checkworthy"]],
                        annotation["guideline_version"],
                        annotation["submitted_at"] or "",
                        " ".join(s["url"] for s in sources),
                        " ".join(s["stance"] for s in sources),
                        json.dumps(
                            [
                                {"url": s["url"], "stance": s["stance"], "quote": s["quote"]}
                                for s in sources
                            ],
                            ensure_ascii=False,
                        )
                        if sources
                        else "",
                    ]
                )
            )
            if progress is not None:
                progress.written += 1
        if n % 1000 == 0:
            yield flush(buffer)
    yield flush(buffer)
