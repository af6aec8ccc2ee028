"""Background exports: an Export row is requested, then a thin Celery task builds its file
into storage, recording progress, the row count and the file's sha256 on the row."""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from ..audit import record_event, snapshot
from ..errors import InvalidInput
from ..models import Export, Project
from . import FORMATS, check_export, export_chunks, filename_for
from .filters import ExportFilters
from .rows import Progress, count_claims

# Progress is written at most this often (in claims), one small UPDATE each time.
PROGRESS_EVERY = 5000


def request_export(project: Project, user, name: str, filters: ExportFilters) -> Export:
    """Queue an export of the project; the file is built by a Celery task once committed."""
    from ..tasks import build_export

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
        record_event(user, export, "create", after=snapshot(export))
    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def run_export(export: Export) -> Export:
    """Write the export's file to storage: through a temporary file, hashed as it is
    written, moved into storage only when complete, so nobody downloads half a file."""
    project = Project.objects.select_related("rating_scale").get(pk=export.project_id)
    filters = ExportFilters.from_params(export.filters)
    total = count_claims(project, filters)
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING, rows_done=0, rows_total=total, error=""
    )
    last_reported = 0

    def report(done: int) -> None:
        nonlocal last_reported
        if done - last_reported >= PROGRESS_EVERY or done == total:
            Export.objects.filter(pk=export.pk).update(rows_done=done)
            last_reported = done

    progress = Progress(on_read=report)
    digest = hashlib.sha256()
    work_dir = settings.DATA_DIR / "tmp"
    work_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(dir=work_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in export_chunks(project, export.format, filters, progress):
                data = chunk.encode("utf-8")
                digest.update(data)
                handle.write(data)
        name = f"exports/{project.pk}/{export.pk}-{filename_for(project, export.format)}"
        with open(tmp_path, "rb") as handle:
            stored = default_storage.save(name, File(handle))
    finally:
        os.unlink(tmp_path)
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        rows_done=progress.read,
        row_count=progress.written,
        sha256=digest.hexdigest(),
        file=stored,
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def prune_exports(days: int | None = None) -> int:
    """Delete the exports finished more than `days` (EXPORT_RETENTION_DAYS) ago, with their
    files. Returns how many were deleted."""
    days = settings.EXPORT_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    old = Export.objects.filter(finished_at__lt=cutoff)
    count = 0
    for export in old.iterator():
        export.delete()  # its file goes with it (models.delete_export_file)
        count += 1
    return count


def mark_export_failed(export_id: int, error: str) -> None:
    Export.objects.filter(pk=export_id).update(
        status=Export.Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def export_file_response(export: Export) -> FileResponse:
    """The finished export's file as a download. Callers have checked membership."""
    project = export.project
    response = FileResponse(
        default_storage.open(export.file, "rb"),
        as_attachment=True,
        filename=filename_for(project, export.format),
        content_type=FORMATS[export.format].content_type,
    )
    response["X-Content-SHA256"] = export.sha256
    return response
