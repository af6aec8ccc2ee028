from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from ...exports.jobs import prune_exports


class Command(BaseCommand):
    help = (
        "Delete background exports (and their files) finished more than --days days ago. "
        "Requesting an export does this too; run it from cron where exports are rare."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.EXPORT_RETENTION_DAYS,
            help="default: FACTCHECK_EXPORT_RETENTION_DAYS (%(default)s)",
        )

    def handle(self, *args, days: int, **options):
        deleted = prune_exports(days)
        self.stdout.write(f"Deleted {deleted} exports finished more than {days} days ago.")
