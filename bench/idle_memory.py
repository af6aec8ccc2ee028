"""Idle memory of the workbench's processes, started as `make run` starts them: gunicorn
(factcheck.wsgi, 2 workers x 4 threads) and the background workers beside it.

    .venv/bin/python bench/idle_memory.py                      # embedded default
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/idle_memory.py                  # with services

Embedded (no REDIS_URL): SQLite in a new data directory and the job table's worker
(`manage.py jobs work`). With REDIS_URL: the given database and a Celery worker (prefork,
concurrency 2) with beat inside it. Once the web server answers, each web worker serves a few
requests (a page, the API), then after --settle seconds the script reads every process of
the trees from /proc: RSS (what `ps` shows, and what peerbench sums: pages shared by a
parent and its forked children are counted once per process) and PSS (shared pages split
between the processes that share them, so the sum is the memory the trees really hold).
The processes are stopped at the end."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids += tree(int(child))
    return pids


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        values[name] = int(value.split()[0])
    return values["Rss"], values["Pss"]


def command_of(pid: int) -> str:
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    words = [a.decode() for a in args if a][1:4]
    return " ".join(Path(words[0]).name if i == 0 else w for i, w in enumerate(words))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=20, help="requests before measuring")
    args = parser.parse_args()
    services = bool(os.environ.get("REDIS_URL"))
    data_dir = tempfile.mkdtemp(prefix="idle-memory-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "FACTCHECK_DATA_DIR": data_dir,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "false",
    }
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    web = [PYTHON, "-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{port}",
           "--workers", "2", "--threads", "4"]  # fmt: skip
    if services:
        workers = [
            [PYTHON, "-m", *"celery -A factcheck worker --beat --concurrency=2 -l warning".split()],
        ]
    else:
        workers = [[PYTHON, "manage.py", "jobs", "work"]]
    log = open(Path(data_dir, "processes.log"), "ab")
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True)
        for command in [web, *workers]
    ]  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(f"{base}/login/", timeout=10)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    sys.exit("gunicorn did not answer within 120 s")
                time.sleep(0.2)
        # Fresh connections, so both web workers get requests.
        for i in range(args.requests):
            requests.get(f"{base}/login/" if i % 2 else f"{base}/api/projects/", timeout=30)
        time.sleep(args.settle)
        rows = [(command_of(pid), *memory_kib(pid)) for p in procs for pid in tree(p.pid)]
    finally:
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
    print("embedded (SQLite, job-table worker)" if not services else "with services (Celery)")
    print(f"{'process':40} {'RSS MiB':>8} {'PSS MiB':>8}")
    for command, rss, pss in rows:
        print(f"{command:40} {rss / 1024:8.1f} {pss / 1024:8.1f}")
    rss_total = sum(r[1] for r in rows) / 1024
    pss_total = sum(r[2] for r in rows) / 1024
    print(f"{'all ' + str(len(rows)) + ' processes':40} {rss_total:8.1f} {pss_total:8.1f}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
