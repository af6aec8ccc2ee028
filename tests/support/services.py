"""Services and processes of their own for the fault tests: a redis-server and a
PostgreSQL cluster on free ports, which a test may stop and start again, and the
workbench's processes (gunicorn, Celery workers and beat, the job-table worker) pointed
at them. Everything started here is stopped here, by process id."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
# PostgreSQL's server binaries (initdb, pg_ctl): PG_BIN, else the newest Debian installs.
PG_BIN = Path(
    os.environ.get("PG_BIN")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default="")
)


def missing_binaries() -> str | None:
    if not shutil.which("redis-server"):
        return "redis-server not found: install Debian's redis-server package"
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL server binaries not found in {PG_BIN} (set PG_BIN)"
    return None


def free_port(low: int = 0, high: int = 0) -> int:
    """A port nothing listens on: the OS's pick, or the first free one in [low, high]."""
    for port in range(low, high + 1) if low else [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {low}-{high}")


def wait_until(condition, timeout: float, what: str, interval: float = 0.2):
    """Poll `condition` until it returns something true; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def log_tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Process:
    """One child process with its output in a log file; stopped by pid, never by name."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def children(self) -> list[int]:
        """Pids of its child processes (a Celery worker's pool)."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self) -> None:
        """SIGKILL the process and its children at once, as a crash would."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        if not self.alive():
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


class RedisServer:
    def __init__(self, workdir: Path):
        self.dir = workdir
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.dir)]
        self.process = Process(f"redis-{self.port}", args, dict(os.environ), self.dir)
        wait_until(self.answers, 20, "redis-server to start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process:
            self.process.kill()


class PostgresCluster:
    """A cluster initialised in a temporary directory of its own (as the postgres user when
    run as root: initdb refuses root), listening on a free port. `remove` deletes it."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="factcheck-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            shutil.chown(self.dir, "postgres")
        subprocess.run(
            [*self.run_as, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres"]
            + ["--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.run_as, str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.dir / "postgres.log"), "-w", "start")

    def stop(self) -> None:
        """Stop at once, dropping every connection, as a crash or a restart would."""
        self.pg_ctl("-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)

    def execute(self, database: str, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


def app_env(database_url: str | None, redis_url: str | None, data_dir: Path, **extra: str) -> dict:
    """The environment of the workbench's processes: quick leases and sweeps, so that the
    tests see recovery within seconds. No DATABASE_URL: the embedded SQLite file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "JOB_RUNNER", "DJANGO_SETTINGS_MODULE")
    }
    env |= {
        "SECRET_KEY": "fault-tests-only",
        "FACTCHECK_DATA_DIR": str(data_dir),
        "JOB_LEASE_SECONDS": "6",
        "JOB_SWEEP_SECONDS": "2",
        "SOURCE_FETCH_ALLOW_PRIVATE": "true",
        "LOG_LEVEL": "INFO",
        **extra,
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# A project "faults" administered by erin, who has an API token: for `manage.py shell -c`.
TOKEN = "fault0tests0only0fault0tests0only0fault0"
PASSWORD = "correct horse battery"
SEED_PROJECT = f"""
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from annotations.projects import create_project
user = get_user_model().objects.create_user("erin", password="{PASSWORD}")
create_project(user, name="Faults", slug="faults")
Token.objects.create(user=user, key="{TOKEN}")
"""


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def celery_worker(name: str, env: dict, log_dir: Path, concurrency: int = 1) -> Process:
    """A prefork Celery worker (its pool children are the processes that run jobs)."""
    args = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--loglevel=INFO"]
    args += [f"--concurrency={concurrency}", "--without-gossip", "--without-mingle"]
    args += ["-n", f"{name}@localhost"]
    return Process(name, args, env, log_dir)


def celery_beat(env: dict, log_dir: Path) -> Process:
    args = [sys.executable, "-m", "celery", "-A", "factcheck", "beat", "--loglevel=INFO"]
    args += [f"--schedule={log_dir / 'celerybeat-schedule'}"]
    return Process("beat", args, env, log_dir)


def gunicorn(env: dict, log_dir: Path, port: int) -> Process:
    args = [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{port}"]
    args += ["--workers", "2", "--threads", "4", "--timeout", "120"]
    return Process(f"gunicorn-{port}", args, env, log_dir)


@contextmanager
def running(*processes: Process) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.stop()
