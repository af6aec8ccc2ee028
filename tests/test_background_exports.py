"""Background exports: requested through the API or the page, built by the Celery task
(in-process here), followed through their progress, downloaded by members only."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from annotations import jobs as job_queue
from annotations.exports import chunks, jobs
from annotations.exports.filters import ExportFilters
from annotations.models import Export, Job, JobKind

from .support.dataset_project import build_small_project
from .support.jobs import run_queued_jobs


@pytest.fixture
def small(project, annotator, second_annotator, editor):
    return build_small_project(project, annotator, second_annotator, editor)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


def request(api, user, project, **data):
    return api(user).post(f"/api/projects/{project.slug}/exports/", data, format="json")


def test_a_background_export_reports_progress_and_sha256(
    api, project, editor, small, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = request(api, editor, project, format="csv", status="approved")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    export_id = response.json()["id"]

    body = api(editor).get(f"/api/exports/{export_id}/").json()
    assert body["status"] == "done"
    assert (body["rows_done"], body["rows_total"], body["row_count"]) == (2, 2, 2)
    assert body["filters"] == {"status": ["approved"]}
    download = api(editor).get(body["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == body["sha256"]
    assert content.decode().count("\n") == 3  # header and two claims
    assert download["X-Content-SHA256"] == body["sha256"]


def test_progress_is_written_while_the_export_runs(project, annotator, small, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_SIZE", 1)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 1)
    export = jobs.request_export(project, annotator, "jsonl", ExportFilters())
    seen = []
    real_chunks = jobs.export_chunks

    def watched_chunks(project, name, filters, progress):
        report = progress.on_read

        def on_read(done):
            report(done)
            row = Export.objects.select_related("job").get(pk=export.pk)
            seen.append((row.job.state, row.rows_done, row.rows_total))

        progress.on_read = on_read
        return real_chunks(project, name, filters, progress)

    monkeypatch.setattr(jobs, "export_chunks", watched_chunks)
    run_queued_jobs(JobKind.EXPORT)
    assert seen == [("running", n, 4) for n in (1, 2, 3, 4)]
    export = Export.objects.select_related("job").get(pk=export.pk)
    assert (export.job.state, export.rows_done, export.row_count) == ("done", 4, 4)
    assert export.job.finished_at is not None


def test_a_failed_export_records_its_error(
    api, project, editor, small, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "export_chunks", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export_id = request(api, editor, project, format="jsonl").json()["id"]
    body = api(editor).get(f"/api/exports/{export_id}/").json()
    assert body["status"] == "failed"
    assert "disk full" in body["error"]
    assert body["download_url"] is None
    refused = api(editor).get(f"/api/exports/{export_id}/download/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "This export is failed, not ready.", "status": "failed"}


def test_a_stranger_cannot_see_or_download_an_export(
    api, client, project, editor, stranger, small, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export_id = request(api, editor, project, format="jsonl").json()["id"]
    assert api(stranger).get(f"/api/exports/{export_id}/").status_code == 404
    assert api(stranger).get(f"/api/exports/{export_id}/download/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/exports/{export_id}/download/").status_code == 404


def test_members_download_from_the_page(
    client, project, editor, small, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.slug}/exports/", {"format": "liar", "verdict": ["true"]}
        )
    assert response.status_code == 302
    export = Export.objects.get(project=project)
    assert export.job.state == "done" and export.row_count == 1
    page = client.get(f"/projects/{project.slug}/export/")
    assert f"/exports/{export.pk}/download/" in page.content.decode()
    download = client.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(f"{small['p3']}.json\ttrue".encode())


def test_it_rejects_an_unknown_format(api, project, editor):
    response = request(api, editor, project, format="xml")
    assert response.status_code == 400
    assert response.json()["field"] == "format"
    assert '"xml" is not a valid choice' in response.json()["detail"]


def test_it_rejects_other_projects(api, project, stranger):
    assert request(api, stranger, project, format="csv").status_code == 404
    assert api(stranger).get(f"/api/projects/{project.slug}/exports/").status_code == 404


def finished_export(project, editor, days_ago: float) -> Export:
    export = Export.objects.create(project=project, requested_by=editor, format="csv")
    job_queue.queue_export(export)
    run_queued_jobs(JobKind.EXPORT)
    finished = timezone.now() - datetime.timedelta(days=days_ago)
    Job.objects.filter(export=export).update(finished_at=finished)
    export = Export.objects.select_related("job").get(pk=export.pk)
    assert default_storage.exists(export.file)
    return export


def test_exports_past_their_retention_are_deleted_with_their_files(
    api, project, editor, small, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_RETENTION_DAYS = 7
    old = finished_export(project, editor, days_ago=8)
    recent = finished_export(project, editor, days_ago=1)
    running = Export.objects.create(project=project, format="csv")
    Job.objects.create(
        kind=JobKind.EXPORT,
        project=project,
        export=running,
        state="running",
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    body = api(editor).get(f"/api/exports/{recent.pk}/").json()
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert expires == recent.job.finished_at + datetime.timedelta(days=7)

    # Requesting an export prunes the old ones.
    with django_capture_on_commit_callbacks(execute=True):
        assert request(api, editor, project, format="csv").status_code == 202
    assert not Export.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file)
    assert Export.objects.filter(pk__in=[recent.pk, running.pk]).count() == 2
    assert default_storage.exists(recent.file)
    assert api(editor).get(f"/api/exports/{old.pk}/").status_code == 404

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_exports", days=0, stdout=out)
    assert "Deleted 2 exports" in out.getvalue()  # the recent one and the one just made
    assert not default_storage.exists(recent.file)
    assert Export.objects.filter(pk=running.pk).exists()


def test_deleting_a_project_deletes_its_export_files(
    project, editor, small, django_capture_on_commit_callbacks
):
    export = finished_export(project, editor, days_ago=0)
    with django_capture_on_commit_callbacks(execute=True):
        project.delete()
    assert not default_storage.exists(export.file)
