"""Background jobs, the queue side: the rows that record work to be done, how a worker
claims them under a lease and records their outcome, and how workers are woken.

A job row is written in the same transaction as the data it is about, so a commit never
leaves work unrecorded, whatever the broker is doing. Once the transaction commits the
workers are woken (`wake`): through the broker when there is one (JOB_RUNNER "celery"),
not at all in the embedded default ("worker"), where `manage.py jobs work` polls the
table. A wake-up that cannot be sent loses nothing: the sweeper wakes the workers again
for as long as queued jobs wait. What each kind of job runs lives in tasks.py.

A worker holds a job under a lease that its heartbeat renews; if the worker dies, the
lease runs out and the sweeper puts the job back in the queue (or fails it, with the
reason, after JOB_MAX_ATTEMPTS). The claim (worker and start time) is also the fencing
token: an outcome is recorded only while the row still carries the claim the worker made,
in the same transaction as the results, so a job's results are stored once however often
it runs."""

from __future__ import annotations

import datetime
import logging
import math
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import Count, F
from django.utils import timezone
from kombu.exceptions import KombuError

from .bulk import insert_objects
from .errors import Busy
from .models import Claim, Document, Export, Job, JobKind, JobState, Project, Source

log = logging.getLogger(__name__)

# The Celery tasks, named rather than imported: tasks.py imports the domain modules, which
# queue their work through this module (see tasks.py).
RUN_TASK = "annotations.tasks.run_jobs"
SWEEP_TASK = "annotations.tasks.sweep_jobs"

# How many jobs of a kind a worker claims at once. Short documents come in thousands and
# are extracted many at a time (tasks.py); exports are long and fetches wait on other
# sites, one at a time.
BATCH_SIZES = {JobKind.EXTRACT: 500}


class LeaseLost(Exception):
    """The job is no longer this worker's (its lease ran out and it was queued again, or
    someone re-ran it): the outcome is not recorded."""


def batch_size(kind: str) -> int:
    return BATCH_SIZES.get(kind, 1)


def lease_duration() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def worker_name() -> str:
    """Who holds a lease: host and process, so each Celery pool child is told apart."""
    return f"{socket.gethostname()}:{os.getpid()}"


# ---- Queueing -------------------------------------------------------------------------------


def queue_extractions(documents: Iterable[Document]) -> list[Job]:
    """Queue the claim extraction of new documents (in the caller's transaction)."""
    now = timezone.now()
    jobs = [
        Job(kind=JobKind.EXTRACT, project_id=document.project_id, document=document, created_at=now)
        for document in documents
    ]
    insert_objects(
        jobs, ["kind", "project", "document", "state", "attempts", "worker", "error", "created_at"]
    )
    wake_on_commit(JobKind.EXTRACT, len(jobs))
    return jobs


def record_extracted(documents: Iterable[Document]) -> None:
    """Documents that arrive with their claims (imported datasets) need no extraction:
    their extraction job is recorded as done."""
    now = timezone.now()
    insert_objects(
        [
            Job(
                kind=JobKind.EXTRACT,
                project_id=document.project_id,
                document=document,
                state=JobState.DONE,
                finished_at=now,
            )
            for document in documents
        ]
    )


def record_fetched(sources: Iterable[Source], project: Project) -> None:
    """Sources that arrive with their archived page (imported datasets): their archiving
    job is recorded as done."""
    now = timezone.now()
    insert_objects(
        [
            Job(
                kind=JobKind.FETCH,
                project=project,
                source=source,
                state=JobState.DONE,
                finished_at=now,
            )
            for source in sources
        ]
    )


def queue_fetches(sources: Iterable[Source], project: Project) -> list[Job]:
    """Queue the archiving of the pages behind new sources."""
    jobs = Job.objects.bulk_create(
        [Job(kind=JobKind.FETCH, project=project, source=source) for source in sources]
    )
    if jobs:
        wake_on_commit(JobKind.FETCH, len(jobs))
    return jobs


def queue_export(export: Export) -> Job:
    job = Job.objects.create(kind=JobKind.EXPORT, project_id=export.project_id, export=export)
    wake_on_commit(JobKind.EXPORT)
    return job


def queue_dashboard(project: Project) -> Job:
    """Queue a refresh of the project's dashboard figures, unless one is already queued or
    running: one refresh at a time, however many people open the dashboard."""
    with transaction.atomic():
        job, created = Job.objects.get_or_create(
            kind=JobKind.DASHBOARD, project=project, defaults={"state": JobState.QUEUED}
        )
        # Only the request that moves the job back to queued wakes a worker.
        requeued = (
            not created
            and job.is_finished
            and Job.objects.filter(pk=job.pk, state=job.state).update(
                state=JobState.QUEUED, attempts=0, error="", finished_at=None
            )
        )
        if created or requeued:
            job.state = JobState.QUEUED
            wake_on_commit(JobKind.DASHBOARD)
    return job


def queue_match(claim: Claim) -> Job:
    """Queue the search for the organisation's open claims that repeat this claim, which
    has just got its final verdict."""
    job, created = Job.objects.get_or_create(
        kind=JobKind.MATCH, claim=claim, defaults={"project_id": claim.project_id}
    )
    if not created and job.state != JobState.QUEUED:
        # Done before, with an earlier verdict (or running on one): match again. A running
        # attempt loses its claim to this one and records nothing.
        Job.objects.filter(pk=job.pk).update(
            state=JobState.QUEUED, attempts=0, error="", lease_expires_at=None, worker=""
        )
    wake_on_commit(JobKind.MATCH)
    return job


def rerun(job: Job) -> Job:
    """Queue a job again by hand: a failed one, a done one (extract again, after the model
    changed), or a stale one. A job running under a live lease is left to its worker."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_held:
            raise Busy(f"{job.get_kind_display()} is running now; wait for it to finish.")
        job.state = JobState.QUEUED
        job.attempts = 0
        job.error = ""
        job.worker = ""
        job.lease_expires_at = None
        job.started_at = job.finished_at = None
        job.save()
        wake_on_commit(job.kind)
    return job


def counts(project: Project) -> dict[str, dict[str, int]]:
    """The project's jobs counted by kind and state: its extraction progress and the rest."""
    by_kind = {kind: dict.fromkeys(JobState.values, 0) for kind in JobKind.values}
    rows = project.jobs.order_by().values_list("kind", "state").annotate(n=Count("id"))
    for kind, state, n in rows:
        by_kind[kind][state] = n
    return by_kind


# ---- Waking workers ------------------------------------------------------------------------


def wake_on_commit(kind: str, n_jobs: int = 1) -> None:
    """Wake the workers once the caller's transaction commits. `robust`: whatever goes
    wrong while waking, the commit stands and the request answers as committed."""
    transaction.on_commit(lambda: wake(kind, n_jobs), robust=True)


def wake(kind: str, n_jobs: int = 1) -> None:
    """Tell the workers that `n_jobs` jobs of this kind are queued.

    With a broker, one message per batch of jobs (at most JOB_WAKE_FANOUT), so that several
    workers share a large upload. Each message is a "look in the table", not the work
    itself: duplicates cost one empty claim, and lost ones are made up by the sweeper."""
    runner = settings.JOB_RUNNER
    if runner == "eager":  # unit tests: run now, in this process
        # Registers the app's tasks as a worker does at start (autodiscovery is lazy), so the
        # task is known even when nothing in this process has imported annotations.tasks.
        current_app.loader.import_default_modules()
        current_app.signature(RUN_TASK, args=[kind]).apply(throw=True)
        return
    if runner != "celery":
        return  # `manage.py jobs work` polls the table
    messages = min(max(1, math.ceil(n_jobs / batch_size(kind))), settings.JOB_WAKE_FANOUT)
    # A wake-up may start a job near the end of its drain: time for both.
    soft = settings.JOB_TIME_LIMITS[kind] + settings.JOB_DRAIN_SECONDS
    try:
        for _ in range(messages):
            current_app.send_task(
                RUN_TASK,
                args=[kind],
                # A wake-up nobody took in time is dropped; the sweeper sends fresh ones.
                expires=settings.JOB_SWEEP_SECONDS * 6,
                soft_time_limit=soft,
                time_limit=soft + 60,
            )
    except (KombuError, OSError) as exc:
        log.warning(
            "The broker is unavailable (%s); queued %s jobs wait for the sweeper.", exc, kind
        )


# ---- Claiming and recording outcomes ---------------------------------------------------------


def claim(kind: str, limit: int, worker: str) -> list[Job]:
    """Take up to `limit` of the oldest queued jobs of a kind, under a lease.

    Workers racing for the same rows skip each other's (SKIP LOCKED on PostgreSQL; SQLite
    lets one writer at a time in)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(kind=kind, state=JobState.QUEUED)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        Job.objects.filter(id__in=ids).update(
            state=JobState.RUNNING,
            attempts=F("attempts") + 1,
            worker=worker,
            lease_expires_at=now + lease_duration(),
            started_at=now,
        )
        return list(Job.objects.filter(id__in=ids).order_by("id"))


def held(job: Job):
    """The job's row, as long as the claim this worker made is still the job's: the same
    worker and start time (a process may claim a job again after losing it)."""
    return Job.objects.filter(
        pk=job.pk, state=JobState.RUNNING, worker=job.worker, started_at=job.started_at
    )


@contextmanager
def finishing(job: Job, error: str = "") -> Iterator[None]:
    """Store a job's results and record its outcome (done, or failed with `error`) in one
    transaction, only if this worker still holds the job; otherwise raise LeaseLost and
    store nothing."""
    with transaction.atomic():
        # Lock the row: the sweeper cannot take the job back while its results are stored.
        if not held(job).select_for_update().exists():
            raise LeaseLost(f"job {job.pk} is no longer held by {job.worker}")
        yield
        state = JobState.FAILED if error else JobState.DONE
        # `worker` stays: who ran it, for whoever looks into it later.
        held(job).update(
            state=state, error=error[:5000], lease_expires_at=None, finished_at=timezone.now()
        )
    job.state, job.error = state, error[:5000]


@contextmanager
def finishing_batch(batch: list[Job]) -> Iterator[list[Job]]:
    """`finishing` for jobs claimed together: yields those this worker still holds, whose
    results the caller stores, and marks them all done in the same transaction. The others
    were taken back (their lease ran out); their results are not stored."""
    with transaction.atomic():
        # Lock the rows: the sweeper cannot take a job back while its results are stored.
        current = {
            pk: (worker, started_at)
            for pk, worker, started_at in Job.objects.select_for_update()
            .filter(pk__in=[job.pk for job in batch], state=JobState.RUNNING)
            .values_list("pk", "worker", "started_at")
        }
        held = [job for job in batch if current.get(job.pk) == (job.worker, job.started_at)]
        if len(held) < len(batch):
            lost = sorted({job.pk for job in batch} - {job.pk for job in held})
            log.warning("jobs %s are no longer held by this worker; not recorded", lost)
        yield held
        finished_at = timezone.now()
        Job.objects.filter(pk__in=[job.pk for job in held]).update(
            state=JobState.DONE, error="", lease_expires_at=None, finished_at=finished_at
        )
    for job in held:
        job.state, job.error = JobState.DONE, ""


def fail(job: Job, error: str) -> bool:
    """Record that the job failed, with the reason people will read. False when the job
    was no longer this worker's."""
    updated = held(job).update(
        state=JobState.FAILED, error=error[:5000], lease_expires_at=None, finished_at=timezone.now()
    )
    if updated:
        job.state, job.error = JobState.FAILED, error[:5000]
    return bool(updated)


def release(job: Job) -> bool:
    """Put a job claimed but never started back in the queue (its worker is stopping):
    the try does not count."""
    updated = held(job).update(
        state=JobState.QUEUED, attempts=F("attempts") - 1, worker="", lease_expires_at=None
    )
    return bool(updated)


def retry_or_fail(job: Job, reason: str) -> JobState:
    """The job could not finish for a reason that may pass (the database went away): back
    to the queue, or failed with the reason once it has had JOB_MAX_ATTEMPTS tries."""
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        fail(job, f"{reason} Gave up after {job.attempts} attempts.")
        return JobState.FAILED
    held(job).update(
        state=JobState.QUEUED, error=f"{reason} Trying again.", worker="", lease_expires_at=None
    )
    return JobState.QUEUED


def expire_leases() -> list[Job]:
    """Running jobs whose worker stopped renewing its lease (it died, or lost the database)
    go back to the queue, or fail with the reason after JOB_MAX_ATTEMPTS tries. Returns the
    jobs that failed, whose leftovers the caller cleans up."""
    now = timezone.now()
    failed = []
    for job in Job.objects.lease_expired(now).select_related("export"):
        reason = f"The worker running it ({job.worker}) stopped responding."
        still_expired = Job.objects.lease_expired(now).filter(pk=job.pk, worker=job.worker)
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            error = f"{reason} Gave up after {job.attempts} attempts."
            if still_expired.update(
                state=JobState.FAILED,
                error=error,
                worker="",
                lease_expires_at=None,
                finished_at=now,
            ):
                job.state, job.error = JobState.FAILED, error
                failed.append(job)
        else:
            still_expired.update(
                state=JobState.QUEUED,
                error=f"{reason} Trying again.",
                worker="",
                lease_expires_at=None,
            )
    return failed


def queued_kinds() -> list[str]:
    return list(
        Job.objects.filter(state=JobState.QUEUED)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )


# ---- The heartbeat -------------------------------------------------------------------------


class Heartbeat:
    """Renews the leases of the jobs this process runs, from a thread of its own, so that
    a long job keeps its lease and a dead process loses it within JOB_LEASE_SECONDS."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: set[int] = set()
        self.pid: int | None = None
        self.wakeup = threading.Event()

    def hold(self, job: Job) -> None:
        with self.lock:
            self.running.add(job.pk)
            if self.pid != os.getpid():  # first job, or a forked pool child
                self.pid = os.getpid()
                threading.Thread(target=self.beat, name="job-heartbeat", daemon=True).start()

    def drop(self, job: Job) -> None:
        with self.lock:
            self.running.discard(job.pk)

    def beat(self) -> None:
        pid, interval = os.getpid(), settings.JOB_LEASE_SECONDS / 3
        while self.pid == pid:
            self.wakeup.wait(interval)
            with self.lock:
                ids = list(self.running)
            if not ids:
                continue
            try:
                close_old_connections()
                Job.objects.filter(pk__in=ids, state=JobState.RUNNING, worker=worker_name()).update(
                    lease_expires_at=timezone.now() + lease_duration()
                )
            except DatabaseError as exc:
                # The database is away: the lease runs out unless it comes back in time.
                log.warning("Could not renew the leases of jobs %s: %s", ids, exc)


heartbeat = Heartbeat()
