"""Datasets out: each format is a generator of text chunks, streamed by the views,
written to a file by the CLI and by background exports, so memory stays flat whatever
the project's size. Field mappings: docs/formats.md."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from ..models import Project
from . import averitec, claimreview, fever, jsonl, liar
from . import csv as csv_format
from .chunks import Progress
from .filters import ExportFilters


class Format(NamedTuple):
    writer: Callable[..., Iterator[str]]
    content_type: str
    extension: str
    label: str
    # Refuses (InvalidInput) an export the format cannot write, before a byte is sent.
    check: Callable[[Project, ExportFilters | None], None] | None = None


FORMATS: dict[str, Format] = {
    "jsonl": Format(jsonl.write_jsonl, "application/x-ndjson", "jsonl", "JSONL (native, lossless)"),
    "jsonl_claims": Format(
        jsonl.write_claims_jsonl,
        "application/x-ndjson",
        "claims.jsonl",
        "JSONL (one row per claim, for dataset libraries)",
    ),
    "csv": Format(csv_format.write_csv, "text/csv", "csv", "CSV (one row per claim)"),
    "csv_annotations": Format(
        csv_format.write_annotations_csv,
        "text/csv",
        "annotations.csv",
        "CSV (one row per annotation)",
    ),
    "fever": Format(fever.write_fever, "application/x-ndjson", "fever.jsonl", "FEVER JSONL"),
    "averitec": Format(
        averitec.write_averitec, "application/json", "averitec.json", "AVeriTeC JSON"
    ),
    "claimreview": Format(
        claimreview.write_claimreview,
        "application/ld+json",
        "claimreview.jsonld",
        "ClaimReview JSON-LD",
        claimreview.check_claimreview,
    ),
    "liar": Format(liar.write_liar, "text/tab-separated-values", "liar.tsv", "LIAR TSV"),
}


def check_export(project: Project, name: str, filters: ExportFilters | None = None) -> None:
    """Raise InvalidInput when the format cannot write this project's claims."""
    check = FORMATS[name].check
    if check is not None:
        check(project, filters)


def export_chunks(
    project: Project,
    name: str,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The export's text, chunk by chunk. Checked first, so that a refusal comes before
    anything is streamed."""
    check_export(project, name, filters)
    return FORMATS[name].writer(project, filters, progress)


def filename_for(project: Project, name: str) -> str:
    return f"{project.slug}.{FORMATS[name].extension}"
