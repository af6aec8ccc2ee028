"""Datasets out: each format is a generator of text chunks, streamed by the views and
written to a file by the CLI, so memory stays flat whatever the project's size."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.http import StreamingHttpResponse

from ..models import Project
from . import csv as csv_format
from . import jsonl as jsonl_format

# name -> (writer, content type, file extension)
FORMATS: dict[str, tuple[Callable[[Project], Iterator[str]], str, str]] = {
    "jsonl": (jsonl_format.write_jsonl, "application/x-ndjson", "jsonl"),
    "csv": (csv_format.write_csv, "text/csv", "csv"),
}


def streaming_response(project: Project, name: str) -> StreamingHttpResponse:
    writer, content_type, extension = FORMATS[name]
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in writer(project)),
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{project.slug}.{extension}"'
    return response
