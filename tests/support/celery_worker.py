"""A real Celery worker process for tests that need one: pointed at pytest-django's test
database and the configured Redis, stopped (and killed if it must be) afterwards."""

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

from annotations.models import Document, JobState

ROOT = Path(__file__).resolve().parents[2]
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

    settings.JOB_RUNNER = "celery"  # this process only queues; the worker extracts

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


def wait_for_extraction(document_id: int, log: Path) -> Document:
    deadline = time.monotonic() + EXTRACT_TIMEOUT
    while time.monotonic() < deadline:
        document = Document.objects.select_related("extraction_job").get(pk=document_id)
        if document.extraction_job.state in (JobState.DONE, JobState.FAILED):
            return document
        time.sleep(0.2)
    pytest.fail(f"document {document_id} still {document.extraction_job.state}:\n{log_tail(log)}")
