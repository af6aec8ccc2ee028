"""The pipeline on real services: a document ingested through the API is extracted by a
real Celery worker process, over Redis, into PostgreSQL.

The worker is a separate process pointed at pytest-django's test database, so the test
uses `transactional_db`: rows must be committed for the worker to see them, and the
worker's writes are visible to the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from annotations.models import Claim, Document, ExtractionStatus

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    # Committed rows (another process reads them); the preset rating scales come back
    # after each flush through post_migrate (annotations/scales.py).
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60
EXTRACT_TIMEOUT = 60


def test_database_url() -> str:
    """DATABASE_URL of the test database pytest-django created (test_<name>)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def log_tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    """A real `celery worker` process; stopped (and killed if it must be) afterwards."""
    from factcheck.celery import app

    eager_before = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False  # this process only enqueues; the worker extracts

    nodename = f"pytest-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": test_database_url(), "REDIS_URL": settings.REDIS_URL}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                # Leftovers of an earlier, interrupted run must not be run against this database.
                "--purge",
                "-n",
                nodename,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None:
                pytest.fail(f"the worker exited with {process.returncode}:\n{log_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"the worker did not start in {START_TIMEOUT}s:\n{log_tail(log)}")
        yield log
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # warm shutdown: finish the task, then exit
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        app.conf.task_always_eager = eager_before


def wait_for_extraction(document_id: int, log: Path) -> Document:
    deadline = time.monotonic() + EXTRACT_TIMEOUT
    while time.monotonic() < deadline:
        document = Document.objects.get(pk=document_id)
        if document.extraction_status in (ExtractionStatus.DONE, ExtractionStatus.FAILED):
            return document
        time.sleep(0.2)
    pytest.fail(f"document {document_id} still {document.extraction_status}:\n{log_tail(log)}")


def test_the_worker_extracts_a_document_ingested_through_the_api(worker, project, annotator, api):
    text = (
        "The town council voted 7 to 2 on Tuesday to build a 1.8-kilometre flood wall. "
        "Mayor Ana Ribeiro said the wall would cost 14.5 million euros.\n\n"
        "Storm surges reached the quay eleven times this year, compared with three in 2015."
    )
    response = api(annotator).post(
        f"/api/projects/{project.slug}/documents/", {"title": "Flood wall", "text": text}
    )
    assert response.status_code == 201, response.json()
    # Not run in-process: the row is queued until the worker picks the task up.
    assert response.json()["extraction_status"] == ExtractionStatus.QUEUED

    document = wait_for_extraction(response.json()["id"], worker)
    assert document.extraction_status == ExtractionStatus.DONE, document.extraction_error
    assert document.extractor_version

    claims = api(annotator).get(f"/api/projects/{project.slug}/claims/").json()["results"]
    assert len(claims) >= 2
    assert {claim["document"] for claim in claims} == {document.pk}
    for claim in claims:
        assert text[claim["start"] : claim["end"]] == claim["text"]
    assert "extract_claims" in worker.read_text()


REFUSED_MARKER = "REFUSED-BY-THE-DATABASE"


@pytest.fixture
def claims_table_refusing_marker(transactional_db):
    """A trigger makes PostgreSQL refuse claims containing a marker, as a constraint would:
    a real failure in the worker's process, which no monkeypatching could reach."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION pytest_refuse_claim() RETURNS trigger AS $$
            BEGIN
              IF NEW.text LIKE '%{REFUSED_MARKER}%' THEN
                RAISE EXCEPTION 'claim refused by the database' USING ERRCODE = 'check_violation';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER pytest_refuse_claim BEFORE INSERT ON annotations_claim
              FOR EACH ROW EXECUTE FUNCTION pytest_refuse_claim();
            """
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS pytest_refuse_claim ON annotations_claim;"
            "DROP FUNCTION IF EXISTS pytest_refuse_claim();"
        )


def test_a_failed_extraction_is_recorded_on_the_document(
    claims_table_refusing_marker, worker, project, annotator, api
):
    text = (
        "Unemployment fell to 3.5 percent in May. "
        f"The {REFUSED_MARKER} figure was 4 percent in 2020."
    )
    response = api(annotator).post(
        f"/api/projects/{project.slug}/documents/", {"title": "Jobs", "text": text}
    )
    assert response.status_code == 201, response.json()

    wait_for_extraction(response.json()["id"], worker)
    served = api(annotator).get(f"/api/documents/{response.json()['id']}/").json()
    assert served["extraction_status"] == "failed"
    assert "IntegrityError" in served["extraction_error"]
    assert "claim refused by the database" in served["extraction_error"]
    # All or nothing: the claim the database accepted was rolled back with the refused one.
    assert not Claim.objects.filter(document_id=served["id"]).exists()
