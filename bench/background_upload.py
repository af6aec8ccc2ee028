"""A large upload in the embedded default: gunicorn and `manage.py jobs work` on a fresh
SQLite file, N short documents posted as one JSONL file through the API. Prints how long
the request took (the documents stored, their extraction queued) and how long the worker
then took to extract them all.

    .venv/bin/python bench/background_upload.py [--documents 20000]

Everything runs in a temporary directory, on a free port in 18300-18399, and is stopped
at the end."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.services import (  # noqa: E402
    SEED_PROJECT,
    TOKEN,
    Process,
    app_env,
    free_port,
    gunicorn,
    manage,
    wait_until,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=20_000)
    n = parser.parse_args().documents
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = app_env(None, None, workdir / "data", MAX_UPLOAD_BYTES=str(50 * 1024 * 1024))
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "shell", "-c", SEED_PROJECT)
        port = free_port(18300, 18399)
        web = gunicorn(env, workdir, port)
        worker = None
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until(lambda: answers(f"{base}/login/"), 120, "gunicorn")
            lines = "\n".join(
                json.dumps(
                    {
                        "title": f"Report {i}",
                        "text": f"Report {i}: unemployment rose {i % 90 + 2} percent in "
                        f"{1990 + i % 30}, the ministry said. Thank you all for coming.",
                    }
                )
                for i in range(n)
            )
            started = time.monotonic()
            response = requests.post(
                f"{base}/api/projects/faults/documents/",
                files={"file": ("reports.jsonl", lines)},
                headers={"Authorization": f"Token {TOKEN}"},
                timeout=900,
            )
            answered = time.monotonic() - started
            assert response.status_code == 201, response.text[:500]
            print(f"{n:,} documents: upload answered 201 in {answered:.1f} s")
            started = time.monotonic()
            args = [sys.executable, "manage.py", "jobs", "work"]
            worker = Process("jobs-work", args, env, workdir)
            database = workdir / "data" / "db.sqlite3"
            wait_until(lambda: unfinished(database) == 0, 3600, "the extractions", interval=1)
            took = time.monotonic() - started
            print(
                f"{n:,} documents extracted by one job-table worker in {took:.1f} s ({n / took:.0f}/s)"
            )
        finally:
            if worker:
                worker.stop()
            web.stop()


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=30).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


def unfinished(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(
            "SELECT count(*) FROM annotations_job WHERE state IN ('queued', 'running')"
        ).fetchone()[0]


if __name__ == "__main__":
    main()
