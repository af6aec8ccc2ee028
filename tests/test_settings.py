"""The settings file: driven by the environment, failing loudly on bad values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent

# Prints what the settings and the Celery app made of the environment.
PROBE = """
import json
import django
from django.conf import settings
django.setup()
from factcheck.celery import app
print(json.dumps({
    "debug": settings.DEBUG,
    "runner": settings.JOB_RUNNER,
    "app_eager": bool(app.conf.task_always_eager),
    "broker": app.conf.broker_url,
    "acks_late": app.conf.task_acks_late,
    "reject_on_worker_lost": app.conf.task_reject_on_worker_lost,
    "prefetch": app.conf.worker_prefetch_multiplier,
    "visibility_timeout": app.conf.broker_transport_options.get("visibility_timeout"),
    "longest_job": max(settings.JOB_TIME_LIMITS.values()) + settings.JOB_DRAIN_SECONDS,
    "engine": settings.DATABASES["default"]["ENGINE"],
}))
"""

# Opens the embedded database as the workbench does and reports its locking set-up.
SQLITE_PROBE = """
import json
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    pragmas = {
        name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "busy_timeout")
    }
print(json.dumps(pragmas))
"""


def load_settings(tmp_path, code: str = PROBE, **env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with only the given variables set."""
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "FACTCHECK_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=clean_env,
        cwd=ROOT,
        timeout=120,
    )


def probe(tmp_path, code: str = PROBE, **env: str) -> dict:
    result = load_settings(tmp_path, code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_it_allows_a_missing_secret_key_only_with_debug_on(tmp_path):
    assert probe(tmp_path, DEBUG="true")["debug"] is True


def test_it_rejects_a_bad_debug_value_when_starting(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_it_rejects_a_bad_upload_limit_when_starting(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x", MAX_UPLOAD_BYTES="10MB")
    assert result.returncode != 0
    assert "MAX_UPLOAD_BYTES must be an integer" in result.stderr


def test_it_uses_sqlite_without_a_database_url(tmp_path):
    assert probe(tmp_path, SECRET_KEY="x")["engine"] == "factcheck.sqlite"


def test_the_embedded_database_writes_ahead_and_waits_for_the_lock(tmp_path):
    """WAL with synchronous=NORMAL: readers never wait for the writer and a commit does not
    fsync the database file; a writer waits up to 20 s for the lock rather than failing."""
    pragmas = probe(tmp_path, SQLITE_PROBE, SECRET_KEY="x")
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 20000}


def test_it_uses_postgresql_with_a_database_url(tmp_path):
    settings = probe(tmp_path, SECRET_KEY="x", DATABASE_URL="postgres://u@127.0.0.1:5432/db")
    assert settings["engine"] == "django.db.backends.postgresql"


def test_without_redis_jobs_wait_for_the_job_table_worker(tmp_path):
    settings = probe(tmp_path, SECRET_KEY="x")
    assert settings["runner"] == "worker"
    # Never in the request, even in the embedded default: eager is for unit tests only.
    assert settings["app_eager"] is False


def test_with_redis_workers_are_woken_through_the_broker(tmp_path):
    settings = probe(tmp_path, SECRET_KEY="x", REDIS_URL="redis://127.0.0.1:6379/9")
    assert settings["runner"] == "celery"
    assert settings["app_eager"] is False
    assert settings["broker"] == "redis://127.0.0.1:6379/9"


def test_delivery_is_at_least_once_and_never_doubled_while_a_task_runs(tmp_path):
    settings = probe(tmp_path, SECRET_KEY="x", REDIS_URL="redis://127.0.0.1:6379/9")
    assert settings["acks_late"] is True
    assert settings["reject_on_worker_lost"] is True
    assert settings["prefetch"] == 1
    assert settings["visibility_timeout"] > settings["longest_job"]


def test_it_rejects_an_unknown_job_runner(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x", JOB_RUNNER="threads")
    assert result.returncode != 0
    assert "JOB_RUNNER must be celery, worker or eager" in result.stderr


def test_it_refuses_the_celery_runner_without_a_broker(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x", JOB_RUNNER="celery")
    assert result.returncode != 0
    assert "JOB_RUNNER=celery needs REDIS_URL" in result.stderr


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_env_bool_reads_true(monkeypatch, value):
    monkeypatch.setenv("FACTCHECK_TEST_FLAG", value)
    assert env_bool("FACTCHECK_TEST_FLAG") is True


@pytest.mark.parametrize("value", ["0", "false", "No", "off"])
def test_env_bool_reads_false(monkeypatch, value):
    monkeypatch.setenv("FACTCHECK_TEST_FLAG", value)
    assert env_bool("FACTCHECK_TEST_FLAG", default=True) is False


def test_env_bool_uses_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("FACTCHECK_TEST_FLAG", raising=False)
    assert env_bool("FACTCHECK_TEST_FLAG", default=True) is True
    monkeypatch.setenv("FACTCHECK_TEST_FLAG", "")
    assert env_bool("FACTCHECK_TEST_FLAG", default=False) is False


@pytest.mark.parametrize("value", ["maybe", "2", "enabled", "tru"])
def test_env_bool_rejects_anything_else(monkeypatch, value):
    monkeypatch.setenv("FACTCHECK_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="FACTCHECK_TEST_FLAG must be a boolean"):
        env_bool("FACTCHECK_TEST_FLAG")


def test_env_int_reads_an_integer(monkeypatch):
    monkeypatch.setenv("FACTCHECK_TEST_INT", "1048576")
    assert env_int("FACTCHECK_TEST_INT", 5) == 1048576
    monkeypatch.delenv("FACTCHECK_TEST_INT")
    assert env_int("FACTCHECK_TEST_INT", 5) == 5


@pytest.mark.parametrize("value", ["10MB", "1.5", "ten", "0x10"])
def test_env_int_rejects_anything_else(monkeypatch, value):
    monkeypatch.setenv("FACTCHECK_TEST_INT", value)
    with pytest.raises(ImproperlyConfigured, match="FACTCHECK_TEST_INT must be an integer"):
        env_int("FACTCHECK_TEST_INT", 5)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("FACTCHECK_TEST_LIST", " a.example , b.example,,")
    assert env_list("FACTCHECK_TEST_LIST", []) == ["a.example", "b.example"]
