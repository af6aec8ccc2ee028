"""The embedded default (no DATABASE_URL, no REDIS_URL) runs background work outside the
request too: gunicorn answers a large upload as soon as the documents are stored, with
their extraction queued, and `manage.py jobs work` beside it, the same claim-and-run loop
as a Celery worker, extracts them while the project page shows the progress."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time

import pytest
import requests

from .support.services import (
    PASSWORD,
    SEED_PROJECT,
    TOKEN,
    Process,
    app_env,
    free_port,
    gunicorn,
    log_tail,
    manage,
    wait_until,
)

pytestmark = pytest.mark.slow

N_DOCUMENTS = 2_000


def test_a_large_upload_is_answered_at_once_and_extracted_beside_the_server(tmp_path):
    env = app_env(None, None, tmp_path / "data", JOB_SWEEP_SECONDS="5")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-c", SEED_PROJECT)
    port = free_port(18300, 18399)
    web = gunicorn(env, tmp_path, port)
    worker = Process("jobs-work", [sys.executable, "manage.py", "jobs", "work"], env, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}/login/"), 120, "gunicorn to answer")
        lines = "\n".join(
            json.dumps(
                {
                    "title": f"Report {i}",
                    "text": f"Report {i}: unemployment rose {i % 90 + 2} percent in {1990 + i % 30}.",
                }
            )
            for i in range(N_DOCUMENTS)
        )
        started = time.monotonic()
        upload = requests.post(
            f"{base}/api/projects/faults/documents/",
            files={"file": ("reports.jsonl", lines)},
            headers={"Authorization": f"Token {TOKEN}"},
            timeout=300,
        )
        print(f"embedded: {N_DOCUMENTS:,} documents stored in {time.monotonic() - started:.1f} s")
        assert upload.status_code == 201, upload.text
        states = {d["extraction_status"] for d in upload.json()["documents"]}
        assert states <= {"queued", "running"}, "extraction runs outside the request"

        page = logged_in(base).get(f"{base}/projects/faults/", timeout=120)
        assert re.search(
            r"Claim extraction: <span class=\"progress-text\">\d+ of 2000 documents done", page.text
        )

        database = tmp_path / "data" / "db.sqlite3"
        wait_until(
            lambda: unfinished(database) == 0, 600, f"the worker to extract {N_DOCUMENTS} documents"
        )
        print(
            f"embedded: {N_DOCUMENTS:,} documents extracted in {time.monotonic() - started:.1f} s"
        )
        with sqlite3.connect(database) as db:
            without_claims = db.execute(
                "SELECT count(*) FROM annotations_document d WHERE NOT EXISTS"
                " (SELECT 1 FROM annotations_claim c WHERE c.document_id = d.id)"
            ).fetchone()[0]
            states = dict(db.execute("SELECT state, count(*) FROM annotations_job GROUP BY state"))
        assert states == {"done": N_DOCUMENTS}
        assert without_claims == 0
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{log_tail(worker.log)}\n{log_tail(web.log)}") from None
    finally:
        worker.stop()
        web.stop()


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=30).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{base}/login/",
        data={"username": "erin", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        timeout=60,
    )
    return session


def unfinished(database) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(
            "SELECT count(*) FROM annotations_job WHERE state IN ('queued', 'running')"
        ).fetchone()[0]
