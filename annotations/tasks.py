"""Background work, the worker side: what each kind of job runs, the loop that claims and
runs queued jobs, the sweeper, and the two Celery tasks that start them.

The same loop (`run_queued`) runs in a Celery worker, woken through the broker, and in
`manage.py jobs work`, the embedded default's worker, which polls the job table.

Import rule: this module imports the domain modules (claims, sources, exports, dashboard,
matches) and jobs.py; only Celery and the `jobs` command import it. Domain modules queue
their work through jobs.py, which names these tasks by string, so there is no import
circle and no import hidden inside a function."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connections
from django.db.models.functions import Length

from . import jobs
from .claims import run_extraction, run_extractions
from .dashboard import run_refresh
from .errors import DATABASE_AWAY
from .exports.jobs import discard_partial_files, run_export
from .matches import run_matching
from .models import Claim, Document, Export, Job, JobKind, JobState, Project, Source
from .sources import archive_source

log = logging.getLogger(__name__)


def extract(job: Job) -> None:
    run_extraction(Document.objects.select_related("project").get(pk=job.document_id), job)


def fetch(job: Job) -> None:
    archive_source(Source.objects.get(pk=job.source_id), job)


def export(job: Job) -> None:
    run_export(Export.objects.get(pk=job.export_id), job)


def refresh_dashboard(job: Job) -> None:
    run_refresh(Project.objects.select_related("rating_scale").get(pk=job.project_id), job)


def match(job: Job) -> None:
    run_matching(Claim.objects.select_related("project").get(pk=job.claim_id), job)


RUNNERS: dict[str, Callable[[Job], None]] = {
    JobKind.EXTRACT: extract,
    JobKind.FETCH: fetch,
    JobKind.EXPORT: export,
    JobKind.DASHBOARD: refresh_dashboard,
    JobKind.MATCH: match,
}


def extract_together(batch: list[Job]) -> None:
    documents = Document.objects.select_related("project").filter(
        pk__in=[job.document_id for job in batch]
    )
    run_extractions(list(documents), batch)


# Kinds whose jobs run several at a time, in one transaction.
BATCH_RUNNERS: dict[str, Callable[[list[Job]], None]] = {JobKind.EXTRACT: extract_together}

# How much text the documents extracted together may hold: a few hundred short articles,
# or one long transcript alone.
EXTRACT_BATCH_CHARACTERS = 1_000_000


def run_queued(kind: str, budget_seconds: float, stop: threading.Event | None = None) -> int:
    """Claim and run queued jobs of one kind, a batch at a time, until none is left, the
    time budget is spent or `stop` is set. Returns how many jobs were run."""
    deadline = time.monotonic() + budget_seconds
    worker = jobs.worker_name()
    ran = 0
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        batch = jobs.claim(kind, jobs.batch_size(kind), worker)
        if not batch:
            break
        started = 0
        if settings.JOB_RUNNER != "eager":
            # Jobs waiting for their turn in the batch keep their leases too.
            for job in batch:
                jobs.heartbeat.hold(job)
        try:
            for group in run_together(kind, batch):
                if stop and stop.is_set():
                    break
                started += len(group)
                if len(group) > 1:
                    run_batch(group)
                else:
                    run_job(group[0])
                ran += len(group)
        finally:
            # Stopped mid-batch (shutdown, time limit): the jobs not started go back.
            for waiting in batch[started:]:
                jobs.release(waiting)
                jobs.heartbeat.drop(waiting)
    return ran


def run_together(kind: str, batch: list[Job]) -> list[list[Job]]:
    """The claimed jobs in the groups that run together: extractions of up to
    EXTRACT_BATCH_CHARACTERS of text, every other job alone."""
    if kind not in BATCH_RUNNERS:
        return [[job] for job in batch]
    lengths = dict(
        Document.objects.filter(pk__in=[job.document_id for job in batch])
        .annotate(length=Length("text"))
        .values_list("pk", "length")
    )
    groups: list[list[Job]] = [[]]
    characters = 0
    for job in batch:
        length = lengths.get(job.document_id, 0)
        if groups[-1] and characters + length > EXTRACT_BATCH_CHARACTERS:
            groups.append([])
            characters = 0
        groups[-1].append(job)
        characters += length
    return groups


def run_batch(batch: list[Job]) -> None:
    """Run jobs claimed together in one go (BATCH_RUNNERS), which records their outcome
    with their results. If that fails, each job runs again on its own, so one bad document
    fails only its own job, with its own reason. A database that went away is waited for
    as in `run_job`."""
    kind = batch[0].kind
    if settings.JOB_RUNNER != "eager":
        for job in batch:
            jobs.heartbeat.hold(job)
    delay, waited = 1, 0
    try:
        while True:
            try:
                with time_limit(kind):
                    BATCH_RUNNERS[kind](batch)
                return
            except DATABASE_AWAY as exc:
                drop_broken_connections()
                if waited >= settings.JOB_DATABASE_WAIT_SECONDS:
                    log.warning("jobs %s: the database is still unavailable: %s", batch[0].pk, exc)
                    for job in batch:
                        jobs.retry_or_fail(job, f"The database was unavailable ({exc}).".strip())
                    return
                log.warning(
                    "jobs from %s: database error, retrying in %s s: %s", batch[0].pk, delay, exc
                )
                time.sleep(delay)
                waited += delay
                delay = min(delay * 2, 16)
    except DATABASE_AWAY:
        raise  # could not even record the outcome: the leases run out, the sweeper takes over
    except Exception:  # the work failed, or took longer than the time limit
        log.warning(
            "%s jobs from %s failed together; running them one by one", len(batch), batch[0].pk
        )
        for job in batch:
            run_job(job)
    finally:
        for job in batch:
            jobs.heartbeat.drop(job)


def run_job(job: Job) -> None:
    """Run one claimed job; its runner records the outcome with the results.

    A failure of the work itself is recorded with its reason. A database that went away is
    waited for, retrying after 1, 2, 4 ... 16 s for up to JOB_DATABASE_WAIT_SECONDS; then
    the job goes back to the queue (or fails, after JOB_MAX_ATTEMPTS tries). If even that
    cannot be written, the job's lease runs out and the sweeper does it."""
    if settings.JOB_RUNNER != "eager":
        jobs.heartbeat.hold(job)
    delay, waited = 1, 0
    try:
        while True:
            try:
                with time_limit(job.kind):
                    RUNNERS[job.kind](job)
                return
            except DATABASE_AWAY as exc:
                drop_broken_connections()
                if waited >= settings.JOB_DATABASE_WAIT_SECONDS:
                    log.warning("job %s: the database is still unavailable: %s", job.pk, exc)
                    jobs.retry_or_fail(job, f"The database was unavailable ({exc}).".strip())
                    return
                log.warning("job %s: database error, retrying in %s s: %s", job.pk, delay, exc)
                time.sleep(delay)
                waited += delay
                delay = min(delay * 2, 16)
    except jobs.LeaseLost as exc:
        log.warning("job %s: %s; its outcome was not recorded", job.pk, exc)
    except SoftTimeLimitExceeded:
        jobs.fail(job, f"{job.get_kind_display()} took longer than the time limit.")
    except DATABASE_AWAY:
        raise  # could not even record the outcome: the lease runs out, the sweeper takes over
    except Exception as exc:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        jobs.fail(job, f"{type(exc).__name__}: {exc}")
    finally:
        jobs.heartbeat.drop(job)


@contextmanager
def time_limit(kind: str) -> Iterator[None]:
    """JOB_TIME_LIMITS for the job-table worker (Celery enforces them in its own workers):
    an alarm interrupts the job with SoftTimeLimitExceeded, which fails it with the reason."""
    if settings.JOB_RUNNER != "worker" or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, settings.JOB_TIME_LIMITS[kind])
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def drop_broken_connections() -> None:
    """Close connections the database dropped, so the next query opens a new one (never
    one inside a transaction: that is the caller's to roll back)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def sweep() -> dict[str, int]:
    """Take back the jobs of workers that stopped responding (see jobs.expire_leases),
    clean up after those that failed for good, and wake the workers for every kind with
    queued jobs, in case a wake-up was lost (the broker was away at commit)."""
    failed = jobs.expire_leases()
    for job in failed:
        if job.kind == JobKind.EXPORT:
            discard_partial_files(job.export)
    kinds = jobs.queued_kinds()
    for kind in kinds:
        jobs.wake(kind)
    return {"failed": len(failed), "kinds_woken": len(kinds)}


@shared_task(
    name=jobs.RUN_TASK,
    # Acknowledged after it ran, and handed to another worker if this one is lost; the job
    # rows make a second delivery harmless (it finds nothing left to claim).
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=DATABASE_AWAY,  # the database is away: claiming failed
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def run_jobs(kind: str) -> int:
    """Run queued jobs of one kind for up to JOB_DRAIN_SECONDS; if some are left, wake
    another worker rather than hold this one, so that every kind gets its turn."""
    ran = run_queued(kind, settings.JOB_DRAIN_SECONDS)
    if settings.JOB_RUNNER == "celery" and ran:
        if Job.objects.filter(kind=kind, state=JobState.QUEUED).exists():
            jobs.wake(kind)
    return ran


@shared_task(name=jobs.SWEEP_TASK)
def sweep_jobs() -> dict[str, int]:
    """The periodic sweep (Celery beat, every JOB_SWEEP_SECONDS)."""
    return sweep()
