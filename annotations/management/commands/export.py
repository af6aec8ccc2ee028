from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import exports
from ...errors import InvalidInput
from ...exports.chunks import Progress, pausing_collections
from ...exports.filters import ExportFilters
from ...models import Project


class Command(BaseCommand):
    help = "Write a project's claims as a dataset file (or to stdout with --output -)."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--format", required=True, choices=list(exports.FORMATS))
        parser.add_argument("--output", required=True, help="file path, or - for stdout")
        parser.add_argument("--status", help="claim statuses, comma-separated")
        parser.add_argument("--verdict", help="final verdict keys, comma-separated")
        parser.add_argument("--document", help="a document id")
        parser.add_argument("--date-from", help="claim date from (YYYY-MM-DD, included)")
        parser.add_argument("--date-to", help="claim date to (YYYY-MM-DD, included)")
        parser.add_argument("--annotator", help="only claims this user annotated")

    def handle(self, *args, project: str, format: str, output: str, **options):
        project_obj = Project.objects.select_related("rating_scale").filter(slug=project).first()
        if project_obj is None:
            raise CommandError(f"No project with slug {project!r}.")
        try:
            filters = ExportFilters.from_params(options)
        except InvalidInput as exc:
            raise CommandError(str(exc)) from None
        progress = Progress()
        try:
            chunks = exports.export_chunks(project_obj, format, filters, progress)
        except InvalidInput as exc:
            raise CommandError(str(exc)) from None
        with pausing_collections():  # a command of its own: nothing else runs meanwhile
            if output == "-":
                for chunk in chunks:
                    sys.stdout.write(chunk)
                sys.stdout.flush()
                return
            write_output(chunks, Path(output))
        self.stderr.write(
            self.style.SUCCESS(
                f"Wrote {output}: {progress.written} records from {progress.read} claims"
            )
        )


def write_output(chunks: Iterable[str], path: Path) -> Path:
    """Write the export to `path` and return the file written.

    A regular file (or a path not there yet) is written beside itself and renamed into
    place, so a failed export never leaves half a file; an existing file keeps its mode
    and owner. Anything else (a FIFO, a device such as /dev/null) is written directly:
    renaming over it would replace it. A symlink is followed, never replaced."""
    target = Path(os.path.realpath(path))
    try:
        existing = target.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with target.open("w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        return target
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        if existing is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        else:
            os.chmod(tmp, stat.S_IMODE(existing.st_mode))
            if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.chown(tmp, existing.st_uid, existing.st_gid)
                except PermissionError:
                    pass  # only root may give a file away; the file is still written
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    return target
