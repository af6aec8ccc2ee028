from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import exports
from ...models import Project


class Command(BaseCommand):
    help = "Write a project's claims as a dataset file (or to stdout with --output -)."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--format", required=True, choices=sorted(exports.FORMATS))
        parser.add_argument("--output", required=True, help="file path, or - for stdout")

    def handle(self, *args, project: str, format: str, output: str, **options):
        project_obj = Project.objects.filter(slug=project).first()
        if project_obj is None:
            raise CommandError(f"No project with slug {project!r}.")
        writer = exports.FORMATS[format][0]
        if output == "-":
            for chunk in writer(project_obj):
                sys.stdout.write(chunk)
            sys.stdout.flush()
            return
        target = Path(output)
        # Write beside the target and rename, so a failed export never leaves half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                for chunk in writer(project_obj):
                    handle.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        self.stderr.write(self.style.SUCCESS(f"Wrote {target}"))
