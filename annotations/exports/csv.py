"""CSV: one row per claim with flat columns, and (format `csv_annotations`) a second
file with one row per annotation. See docs/formats.md."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection

from ..models import Annotation, Claim, Document, Project, RatingLabel, Source
from .filters import ExportFilters
from .rows import Progress, filtered_claims, iso, iso_sql, iter_claims, read_chunks

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
    yield ",".join(COLUMNS) + "\n"
    if connection.vendor == "postgresql":
        yield from claim_rows_from_database(project, filters, progress)
    else:
        yield from claim_rows(project, filters, progress)


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
            [
                row["id"],
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
                row["review_url"],
                iso(row["review_date"]) or "",
                ";".join(row["annotators"]),
                row["n_sources"],
            ]
        )
        if progress is not None:
            progress.written += 1
        if n % 1000 == 0:
            yield flush(buffer)
    yield flush(buffer)


class CopiedRows(NamedTuple):
    rows: int
    text: str


def claim_rows_from_database(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The same rows, written by PostgreSQL (COPY ... TO STDOUT in CSV format) a chunk at
    a time and passed through as they come: Python never sees a value, so the database's
    two readers use both cores. Byte for byte what claim_rows writes (a test compares
    them): the database's CSV quotes an empty string to tell it from NULL, so empty
    strings become NULL; numbers and dates are formatted as Python formats them. (One
    difference: a value holding a carriage return but no line feed is quoted here and not
    by Python's csv module; stored text has its line breaks normalised at ingest.)"""
    claims = filtered_claims(project, filters)
    select = claim_rows_sql()

    def read(first: int, last: int) -> CopiedRows:
        in_chunk = claims.filter(id__gte=first, id__lte=last).order_by().values("id")
        ids_sql, ids_params = in_chunk.query.sql_with_params()
        # The bounds again outside the subquery, so that the claims are read by a range
        # of their primary key rather than by scanning the project for the chunk's ids.
        where = f"c.id BETWEEN %s AND %s AND c.id IN ({ids_sql})"
        params = [project.rating_scale_id, first, last, first, last, *ids_params]
        with connection.cursor() as cursor:
            psycopg_cursor = cursor.cursor
            statement = f"COPY ({select} WHERE {where} ORDER BY c.id) TO STDOUT (FORMAT csv)"
            with psycopg_cursor.copy(statement, params) as copy:
                text = b"".join(copy).decode("utf-8")
            return CopiedRows(psycopg_cursor.rowcount, text)

    for chunk in read_chunks(claims, read, progress, size=lambda chunk: chunk.rows):
        if progress is not None:
            progress.written += chunk.rows
        yield chunk.text


def claim_rows_sql() -> str:
    """The SELECT of COLUMNS for claim_rows_from_database. Its parameters: the project's
    rating scale, and the chunk's first and last claim id (the annotations are summed up
    for the whole chunk at once, one pass over the annotation_claim index); the caller
    adds which claims."""
    claim, document, label, annotation, source, user = (
        model._meta.db_table
        for model in (Claim, Document, RatingLabel, Annotation, Source, get_user_model())
    )

    def text(expression: str) -> str:
        return f"NULLIF({expression}, '')"

    columns = [
        "c.id",
        "c.document_id",
        text("d.title"),
        text("d.url"),
        iso_sql("d.published_at"),
        "to_char(c.claim_date, 'YYYY-MM-DD')",
        text("c.text"),
        "c.start",
        'c."end"',
        text("c.speaker"),
        # to_char formats a float with C's printf, which rounds as Python's format does.
        "to_char(c.score, 'FM0.0000')",
        text("c.scorer_version"),
        "(SELECT string_agg(t.type, ';' ORDER BY t.n)"
        " FROM jsonb_array_elements_text(c.claim_types) WITH ORDINALITY AS t(type, n))",
        text("c.origin"),
        text("c.status"),
        text("c.final_verdict"),
        text("coalesce(l.label, c.final_verdict)"),
        "l.ordinal",
        text("c.final_rationale"),
        text("c.review_url"),
        "to_char(c.review_date, 'YYYY-MM-DD')",
        "a.annotators",
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
        ) a ON a.claim_id = c.id"""


def write_annotations_csv(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ANNOTATION_COLUMNS)
    for n, row in enumerate(iter_claims(project, filters, reviews=False, progress=progress), 1):
        for annotation in row["annotations"]:
            sources = annotation["sources"]
            writer.writerow(
                [
                    row["id"],
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
            if progress is not None:
                progress.written += 1
        if n % 1000 == 0:
            yield flush(buffer)
    yield flush(buffer)
