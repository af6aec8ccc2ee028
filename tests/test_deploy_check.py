"""HTTPS=true is the one production switch: with it `manage.py check --deploy` finds nothing
to warn about; without it, the secure-cookie, HSTS and redirect warnings are there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3Jd9-Vq2xL7mZp4RtY8wB1nC6hF0sG5aE2uI9oP3lK7jH4gD8fS1"


def check_deploy(tmp_path, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "FACTCHECK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "factcheck.example.org",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=clean_env,
        cwd=ROOT,
        timeout=120,
    )


def test_with_https_on_the_deploy_check_is_clean(tmp_path):
    result = check_deploy(tmp_path, HTTPS="true")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_without_it_the_check_names_what_is_missing(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert f"security.{warning}" in result.stderr + result.stdout, warning
