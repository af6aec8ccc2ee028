from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...errors import InvalidInput
from ...imports import IMPORT_FORMATS, DatasetErrors, import_dataset_file
from ...models import Project


class Command(BaseCommand):
    help = (
        "Import an annotated dataset (native JSONL, CSV, LIAR TSV, ClaimReview JSON-LD) into a "
        "project. One bad line imports nothing unless --skip-bad-lines."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--format", required=True, choices=list(IMPORT_FORMATS))
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument("--skip-bad-lines", action="store_true")
        parser.add_argument("--user", help="username recorded as the importer (audit trail)")

    def handle(self, *args, path: str, project: str, format: str, **options):
        project_obj = Project.objects.select_related("rating_scale").filter(slug=project).first()
        if project_obj is None:
            raise CommandError(f"No project with slug {project!r}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            # From the file itself, not as an upload: the command has no size limit, and
            # a native JSONL backup is read line by line.
            summary = import_dataset_file(
                project_obj,
                user,
                format,
                file,
                dry_run=options["dry_run"],
                skip_bad_lines=options["skip_bad_lines"],
            )
        except DatasetErrors as exc:
            for error in exc.errors[:20]:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from None
        except InvalidInput as exc:
            raise CommandError(str(exc)) from None
        for item in summary.skipped:
            where = f"line {item['line']}" + (f", {item['field']}" if item["field"] else "")
            self.stderr.write(f"skipped {where}: {item['message']}")
        self.stdout.write(summary.describe())
