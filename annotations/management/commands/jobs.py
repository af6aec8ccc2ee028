from __future__ import annotations

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ... import jobs, tasks
from ...errors import DATABASE_AWAY, Busy
from ...models import Job, JobKind, JobState

log = logging.getLogger(__name__)

# How often an idle worker looks for queued jobs.
POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "Background jobs: `list` them, `rerun` failed or stale ones, `sweep` expired leases "
        "once, or `work`: run them, as the embedded default's worker beside the web server."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="jobs, newest first")
        listing.add_argument("--project", help="project slug")
        listing.add_argument("--kind", choices=JobKind.values)
        listing.add_argument("--state", choices=JobState.values)
        listing.add_argument("--limit", type=int, default=50)

        rerun = actions.add_parser("rerun", help="queue jobs again")
        rerun.add_argument("ids", nargs="*", type=int, help="job ids")
        rerun.add_argument("--failed", action="store_true", help="every failed job")
        rerun.add_argument("--project", help="with --failed: only this project's")
        rerun.add_argument("--kind", choices=JobKind.values, help="with --failed: only this kind")

        actions.add_parser("sweep", help="take back expired leases and wake the workers, once")

        work = actions.add_parser("work", help="run queued jobs until stopped (SIGTERM)")
        work.add_argument("--until-idle", action="store_true", help="stop once none is queued")

    def handle(self, *args, action: str, **options):
        return getattr(self, f"do_{action}")(**options)

    def do_list(self, *, project, kind, state, limit, **options) -> None:
        rows = Job.objects.select_related("project").order_by("-id")
        if project:
            rows = rows.filter(project__slug=project)
        if kind:
            rows = rows.filter(kind=kind)
        if state:
            rows = rows.filter(state=state)
        now = timezone.now()
        self.stdout.write(f"{'id':>8}  {'kind':9}  {'state':7}  tries  project / subject / note")
        for job in rows[:limit]:
            note = job.error.splitlines()[0][:100] if job.error else ""
            if job.state == JobState.RUNNING:
                left = (job.lease_expires_at - now).total_seconds()
                note = f"{job.worker}, lease {'expired' if left < 0 else f'{left:.0f} s left'}"
            self.stdout.write(
                f"{job.pk:>8}  {job.kind:9}  {job.state:7}  {job.attempts:>5}  "
                f"{job.project.slug} / {subject(job)} / {note}"
            )

    def do_rerun(self, *, ids, failed, project, kind, **options) -> None:
        if not ids and not failed:
            raise CommandError("Name the jobs to run again, or --failed for every failed one.")
        rows = Job.objects.filter(pk__in=ids) if ids else Job.objects.filter(state="failed")
        if project:
            rows = rows.filter(project__slug=project)
        if kind:
            rows = rows.filter(kind=kind)
        missing = set(ids) - set(rows.values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No job with id {', '.join(map(str, sorted(missing)))}.")
        queued = 0
        for job in rows:
            try:
                jobs.rerun(job)
                queued += 1
            except Busy as exc:
                self.stderr.write(f"Job {job.pk}: {exc} Not queued again.")
        self.stdout.write(f"Queued {queued} job{'s' if queued != 1 else ''} again.")

    def do_sweep(self, **options) -> None:
        done = tasks.sweep()
        self.stdout.write(
            f"Swept: {done['failed']} failed for good, {done['kinds_woken']} kinds woken."
        )

    def do_work(self, *, until_idle: bool, **options) -> None:
        """The job-table worker: the same claim-and-run loop as a Celery worker, polling
        instead of being woken, and sweeping expired leases itself."""
        stop = threading.Event()

        def finish_and_stop(signum, frame):
            log.info("Stopping after the job in hand.")
            stop.set()

        signal.signal(signal.SIGTERM, finish_and_stop)
        signal.signal(signal.SIGINT, finish_and_stop)
        log.info("Job worker %s started (runner %s).", jobs.worker_name(), settings.JOB_RUNNER)
        next_sweep, backoff = 0.0, 1.0
        while not stop.is_set():
            try:
                if time.monotonic() >= next_sweep:
                    tasks.sweep()
                    next_sweep = time.monotonic() + settings.JOB_SWEEP_SECONDS
                ran = sum(
                    tasks.run_queued(kind, settings.JOB_DRAIN_SECONDS, stop=stop)
                    for kind in JobKind.values
                )
            except DATABASE_AWAY as exc:
                log.warning(
                    "The database is unavailable (%s); trying again in %.0f s.", exc, backoff
                )
                tasks.drop_broken_connections()
                stop.wait(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            if not ran:
                if until_idle:
                    break
                stop.wait(POLL_SECONDS)


def subject(job: Job) -> str:
    for field in ("document", "source", "export", "claim"):
        pk = getattr(job, f"{field}_id")
        if pk is not None:
            return f"{field} {pk}"
    return "dashboard"
