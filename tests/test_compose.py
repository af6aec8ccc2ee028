"""compose.yaml is accepted by Docker Compose, and refuses to run without its secrets.

No Docker engine runs here, but `docker compose config` only parses and interpolates
the file, so the client alone is enough. Where neither `docker compose` (v2 plugin) nor
`docker-compose` (v1) exists the tests are skipped with that reason."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "compose.yaml"


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


COMPOSE = compose_command()
needs_compose = pytest.mark.skipif(
    COMPOSE is None,
    reason="Docker Compose client not found (neither `docker compose` nor `docker-compose`)",
)


def run_config(home: Path, **env: str) -> subprocess.CompletedProcess:
    # Only what the file needs: a developer's own SECRET_KEY or .docker config stays out.
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), **env}
    return subprocess.run(
        [*COMPOSE, "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        env=clean_env,
        cwd=ROOT,
        timeout=120,
    )


@needs_compose
def test_it_accepts_the_compose_file(tmp_path):
    result = run_config(tmp_path, SECRET_KEY="dummy-secret-for-config", POSTGRES_PASSWORD="dummy")
    assert result.returncode == 0, result.stderr


@needs_compose
def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_config(tmp_path, POSTGRES_PASSWORD="dummy")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@needs_compose
def test_it_refuses_to_start_without_a_database_password(tmp_path):
    result = run_config(tmp_path, SECRET_KEY="dummy-secret-for-config")
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def test_web_worker_and_beat_share_one_anchor():
    text = COMPOSE_FILE.read_text()
    assert text.count("<<: *app") == 3
    assert "gunicorn factcheck.wsgi" in text
    assert '"worker"' in text and '"beat"' in text  # the sweeper runs beside the workers
    assert text.count("condition: service_healthy") == 2
