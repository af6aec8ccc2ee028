"""Background jobs as rows: claimed once, under a lease; taken back when their worker
stops responding, and failed with the reason after JOB_MAX_ATTEMPTS; an outcome recorded
only by the worker that still holds the job; run again by editors and operators."""

from __future__ import annotations

import datetime
import io
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations import jobs, tasks
from annotations.claims import run_extraction
from annotations.exports.filters import ExportFilters
from annotations.exports.jobs import request_export
from annotations.models import Document, Export, Job, JobKind, JobState

from .support.factories import DocumentFactory
from .support.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

TEXT = "Prices rose 5% in May. Wages rose 2% in May. Rents rose 12% in Lisbon in 2023."


@pytest.fixture
def queued(project):
    return [DocumentFactory(project=project, extraction_status="queued") for _ in range(3)]


def expire(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - datetime.timedelta(1))


def test_each_job_is_claimed_by_one_worker_under_a_lease(queued):
    first = jobs.claim(JobKind.EXTRACT, 2, "host:1")
    second = jobs.claim(JobKind.EXTRACT, 2, "host:2")
    assert [job.document_id for job in first + second] == [d.pk for d in queued]
    assert jobs.claim(JobKind.EXTRACT, 2, "host:3") == []
    for job in first + second:
        assert job.state == JobState.RUNNING and job.attempts == 1
        assert job.lease_expires_at > timezone.now()


def test_a_job_whose_worker_stopped_responding_is_queued_again_then_failed(project, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    DocumentFactory(project=project, extraction_status="queued")
    (job,) = jobs.claim(JobKind.EXTRACT, 1, "host:1")
    expire(job)
    jobs.expire_leases()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert "(host:1) stopped responding. Trying again." in job.error

    (job,) = jobs.claim(JobKind.EXTRACT, 1, "host:2")
    expire(job)
    jobs.expire_leases()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert (
        job.error == "The worker running it (host:2) stopped responding. Gave up after 2 attempts."
    )


def test_a_worker_that_lost_its_job_stores_nothing(project):
    document = DocumentFactory(project=project, text=TEXT, extraction_status="queued")
    (lost,) = jobs.claim(JobKind.EXTRACT, 1, "host:1")
    expire(lost)
    jobs.expire_leases()
    (taken_over,) = jobs.claim(JobKind.EXTRACT, 1, "host:2")

    with pytest.raises(jobs.LeaseLost):
        run_extraction(document, lost)
    assert not document.claims.exists()
    run_extraction(document, taken_over)
    n_claims = document.claims.count()
    assert n_claims >= 2
    tasks.run_job(lost)  # a late redelivery of the lost attempt changes nothing
    assert document.claims.count() == n_claims
    assert Job.objects.get(pk=taken_over.pk).state == JobState.DONE


def test_the_job_table_worker_holds_jobs_to_their_time_limit(project, settings, monkeypatch):
    from annotations import claims

    settings.JOB_RUNNER = "worker"
    settings.JOB_TIME_LIMITS = {**settings.JOB_TIME_LIMITS, "extract": 1}
    monkeypatch.setattr(claims.extraction, "extract_candidates", lambda *a: time.sleep(5))
    # No lease to renew from another connection: this test's rows are never committed.
    monkeypatch.setattr(jobs.heartbeat, "hold", lambda job: None)
    document = DocumentFactory(project=project, extraction_status="queued")
    started = time.monotonic()
    run_queued_jobs(JobKind.EXTRACT)
    assert time.monotonic() - started < 4
    job = Job.objects.get(document=document)
    assert (job.state, job.error) == ("failed", "Claim extraction took longer than the time limit.")


def test_jobs_claimed_but_not_started_go_back_when_the_worker_stops(queued):
    claimed = jobs.claim(JobKind.EXTRACT, 3, "host:1")
    assert all(jobs.release(job) for job in claimed)
    assert set(Job.objects.values_list("state", "attempts")) == {(JobState.QUEUED, 0)}


def test_a_restarted_export_removes_what_the_interrupted_one_left(
    project, editor, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }
    export = request_export(project, editor, "jsonl", ExportFilters())
    (tmp_path / "tmp").mkdir()
    leftover = tmp_path / "tmp" / f"export-{export.pk}-1.part"
    leftover.write_text("half a file")
    run_queued_jobs(JobKind.EXPORT)
    export = Export.objects.select_related("job").get(pk=export.pk)
    assert export.job.state == JobState.DONE
    assert not list((tmp_path / "tmp").iterdir())
    assert [p.name for p in (tmp_path / "files" / "exports" / str(project.pk)).iterdir()] == [
        f"{export.pk}-{project.slug}.jsonl"
    ]


# ---- Running extraction again ----------------------------------------------------------------


@pytest.fixture
def failed(project):
    document = DocumentFactory(project=project, text=TEXT, extraction_status="failed")
    Job.objects.filter(document=document).update(error="ValueError: boom", attempts=3)
    return document


def test_editors_run_a_failed_extraction_again_through_the_api(
    api, editor, failed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(editor).post(f"/api/documents/{failed.pk}/extraction/")
    assert response.status_code == 202, response.json()
    assert response.json()["state"] == "queued"
    body = api(editor).get(f"/api/documents/{failed.pk}/extraction/").json()
    assert (body["state"], body["error"], body["attempts"]) == ("done", "", 1)
    assert body["n_claims"] == failed.claims.count() >= 2


def test_annotators_may_not_run_it_again(api, annotator, failed):
    response = api(annotator).post(f"/api/documents/{failed.pk}/extraction/")
    assert response.status_code == 403
    assert "editors" in response.json()["detail"]


def test_strangers_see_no_extraction(api, stranger, failed):
    assert api(stranger).get(f"/api/documents/{failed.pk}/extraction/").status_code == 404
    assert api(stranger).post(f"/api/documents/{failed.pk}/extraction/").status_code == 404


def test_an_extraction_running_now_is_not_started_twice(api, editor, project):
    document = DocumentFactory(project=project, extraction_status="running")
    response = api(editor).post(f"/api/documents/{document.pk}/extraction/")
    assert response.status_code == 409
    assert response.json()["detail"] == "Claim extraction is running now; wait for it to finish."


def test_editors_run_it_again_from_the_document_page(
    client, editor, failed, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    page = client.get(f"/documents/{failed.pk}/").content.decode()
    assert "Extraction failed: <span>ValueError: boom</span>" in page
    assert "Try the extraction again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{failed.pk}/extract/")
    assert response.status_code == 302
    failed.extraction_job.refresh_from_db()
    assert failed.extraction_job.state == JobState.DONE
    assert failed.claims.exists()


def test_the_document_page_offers_no_rerun_to_annotators(client, annotator, failed):
    client.force_login(annotator)
    assert "Try the extraction again" not in client.get(f"/documents/{failed.pk}/").content.decode()
    assert client.post(f"/documents/{failed.pk}/extract/").status_code == 403


# ---- Live status -----------------------------------------------------------------------------


def test_the_desk_of_a_queued_document_says_it_waits_and_follows_it(client, annotator, project):
    document = DocumentFactory(project=project, extraction_status="queued")
    client.force_login(annotator)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Waiting for a worker to extract the claims" in page
    assert f'data-status-url="/api/documents/{document.pk}/extraction/"' in page
    assert "annotations/live_status" in page
    assert "reload" not in page.lower()


def test_the_project_jobs_endpoint_counts_and_follows_documents(api, annotator, project, failed):
    queued = DocumentFactory(project=project, extraction_status="queued")
    DocumentFactory(project=project)
    body = (
        api(annotator)
        .get(
            f"/api/projects/{project.slug}/jobs/",
            {"documents": f"{queued.pk},{failed.pk}", "claims": 1},
        )
        .json()
    )
    assert body["jobs"]["extract"] == {"queued": 1, "running": 0, "done": 1, "failed": 1}
    assert body["jobs"]["export"] == {"queued": 0, "running": 0, "done": 0, "failed": 0}
    states = {d["id"]: (d["state"], d["label"], d["error"]) for d in body["documents"]}
    assert states == {
        queued.pk: ("queued", "Waiting for a worker", ""),
        failed.pk: ("failed", "Failed", "ValueError: boom"),
    }
    assert body["claims"]["unstarted"] == 0


def test_strangers_get_no_job_counts(api, stranger, project):
    assert api(stranger).get(f"/api/projects/{project.slug}/jobs/").status_code == 404


def test_the_project_page_shows_extraction_progress(client, annotator, project, failed):
    DocumentFactory(project=project, extraction_status="queued")
    client.force_login(annotator)
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert (
        'Claim extraction: <span class="progress-text">0 of 2 documents done · 1 failed · 1 waiting for a worker</span>'
        in page
    )
    assert 'data-unfinished="1"' in page


# ---- The command -----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("jobs", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_command_lists_reruns_and_works_off_jobs(project, failed):
    queued = DocumentFactory(project=project, text=TEXT + " Again.", extraction_status="queued")
    listing = run("list", "--state", "failed")
    (row,) = listing.splitlines()[1:]
    assert row.split()[:4] == [str(failed.extraction_job.pk), "extract", "failed", "3"]
    assert row.endswith(f"{project.slug} / document {failed.pk} / ValueError: boom")
    assert f"document {queued.pk}" not in listing

    assert run("rerun", "--failed") == "Queued 1 job again.\n"
    run("work", "--until-idle")
    assert set(Job.objects.values_list("state", flat=True)) == {JobState.DONE}
    assert Document.objects.get(pk=queued.pk).claims.exists()


def test_the_command_names_unknown_jobs(failed):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No job with id 999999"):
        run("rerun", "999999")
    with pytest.raises(CommandError, match="Name the jobs to run again"):
        run("rerun")
