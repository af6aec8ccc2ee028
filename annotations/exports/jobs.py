"""Background exports: an Export row is requested with its job, then a worker builds its
file into storage, recording progress, the row count and the file's sha256 on the row.

A worker that dies mid-export leaves a partial file in DATA_DIR/tmp, named after the
export and the attempt; the next attempt deletes it and starts again, and so does the
sweeper when it gives up on the export."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .. import jobs
from ..audit import record_event, snapshot
from ..errors import InvalidInput
from ..models import Export, Job, Project
from . import FORMATS, check_export, export_chunks, filename_for
from .chunks import Progress, count_claims, pausing_collections
from .filters import ExportFilters

# Progress is written at most this often (in claims), one small UPDATE each time.
PROGRESS_EVERY = 5000


def request_export(project: Project, user, name: str, filters: ExportFilters) -> Export:
    """Queue an export of the project; a worker builds the file once this commits."""
    if name not in FORMATS:
        raise InvalidInput(
            f"Unknown format {name!r}; use one of {', '.join(FORMATS)}.", field="format"
        )
    check_export(project, name, filters)
    prune_exports()
    with transaction.atomic():
        export = Export.objects.create(
            project=project, requested_by=user, format=name, filters=filters.to_json()
        )
        jobs.queue_export(export)
        record_event(user, export, "create", after=snapshot(export))
    return export


def partial_path(export: Export, job: Job) -> Path:
    return settings.DATA_DIR / "tmp" / f"export-{export.pk}-{job.attempts}.part"


def discard_partial_files(export: Export) -> None:
    """Delete what interrupted attempts at this export left behind."""
    for path in (settings.DATA_DIR / "tmp").glob(f"export-{export.pk}-*.part"):
        path.unlink(missing_ok=True)


def run_export(export: Export, job: Job) -> None:
    """Write the export's file to storage: through a temporary file, hashed as it is
    written, moved into storage only when complete, so nobody downloads half a file. Run
    again after an interruption, it starts over and ends with the same single file."""
    project = Project.objects.select_related("rating_scale").get(pk=export.project_id)
    filters = ExportFilters.from_params(export.filters)
    total = count_claims(project, filters)
    Export.objects.filter(pk=export.pk).update(rows_done=0, rows_total=total)
    last_reported = 0

    def report(done: int) -> None:
        nonlocal last_reported
        if done - last_reported >= PROGRESS_EVERY or done == total:
            Export.objects.filter(pk=export.pk).update(rows_done=done)
            last_reported = done

    progress = Progress(on_read=report)
    digest = hashlib.sha256()
    discard_partial_files(export)
    path = partial_path(export, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    name = f"exports/{project.pk}/{export.pk}-{filename_for(project, export.format)}"
    try:
        # A worker process exports and does nothing else meanwhile.
        with path.open("wb") as handle, pausing_collections():
            for chunk in export_chunks(project, export.format, filters, progress):
                data = chunk.encode("utf-8")
                digest.update(data)
                handle.write(data)
        # The same name every attempt: an earlier attempt's file is replaced, not kept beside.
        default_storage.delete(name)
        with path.open("rb") as handle:
            stored = default_storage.save(name, File(handle))
    finally:
        path.unlink(missing_ok=True)
    with jobs.finishing(job):
        Export.objects.filter(pk=export.pk).update(
            rows_done=progress.read,
            row_count=progress.written,
            sha256=digest.hexdigest(),
            file=stored,
        )


def prune_exports(days: int | None = None) -> int:
    """Delete the exports finished more than `days` (EXPORT_RETENTION_DAYS) ago, with their
    files. Returns how many were deleted."""
    days = settings.EXPORT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    old = Export.objects.filter(job__finished_at__lt=cutoff)
    count = 0
    for export in old.iterator():
        export.delete()  # its file goes with it (models.delete_export_file)
        count += 1
    return count
