from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ...errors import InvalidInput
from ...ingest import SUPPORTED_SUFFIXES, DuplicateDocument, create_documents, parse_file
from ...models import Project


def collect_files(paths: list[str]) -> list[Path]:
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{raw}: no such file or folder.")
    return files


class Command(BaseCommand):
    help = "Add articles and transcripts (.txt, .md, .html, .jsonl, .csv; folders recurse) to a project."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument(
            "--user", help="username recorded as the creator (default: the project's first admin)"
        )
        parser.add_argument("paths", nargs="+")

    def handle(self, *args, project: str, user: str | None, paths: list[str], **options):
        project_obj = Project.objects.filter(slug=project).first()
        if project_obj is None:
            raise CommandError(f"No project with slug {project!r}.")
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        else:
            admin = project_obj.memberships.filter(role="admin").select_related("user").first()
            actor = admin.user if admin else None

        files = collect_files(paths)
        added = skipped = failed = 0
        for path in tqdm(files, desc="ingest", unit="file", disable=options["verbosity"] == 0):
            try:
                documents = create_documents(
                    project_obj, actor, parse_file(path.name, path.read_bytes())
                )
            except DuplicateDocument as exc:
                skipped += 1
                exc.source = str(path)
                self.stderr.write(f"skipped {exc}")
            except InvalidInput as exc:
                failed += 1
                exc.source = str(path)
                self.stderr.write(self.style.ERROR(str(exc)))
            else:
                added += len(documents)
        summary = f"{added} documents added, {skipped} files skipped as duplicates, {failed} files failed."
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
