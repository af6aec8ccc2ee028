from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import exports
from ...errors import InvalidInput
from ...exports.filters import ExportFilters
from ...exports.rows import Progress
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
        chunks = exports.export_chunks(project_obj, format, filters, progress)
        if output == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
            return
        target = Path(output)
        # Write beside the target and rename, so a failed export never leaves half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        self.stderr.write(
            self.style.SUCCESS(
                f"Wrote {target}: {progress.written} records from {progress.read} claims"
            )
        )
