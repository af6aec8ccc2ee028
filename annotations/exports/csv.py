"""CSV: one row per claim with flat columns, and (format `csv_annotations`) a second
file with one row per annotation. See docs/formats.md."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from django.db import connection

from ..models import Project
from ..spreadsheets import inert_cells
from . import postgresql
from .chunks import Progress
from .filters import ExportFilters
from .rows import iso, iter_claims

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
    rows = postgresql.claim_rows if postgresql.applies(connection) else claim_rows
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


def write_annotations_csv(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    rows = postgresql.annotation_rows if postgresql.applies(connection) else annotation_rows
    yield ",".join(ANNOTATION_COLUMNS) + "\n"
    yield from rows(project, filters, progress)


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
