"""`manage.py export --output`: a file is replaced whole, anything else is written into."""

from __future__ import annotations

import io
import os
import stat
import threading

import pytest
from django.core.management import call_command

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(project):
    return ClaimFactory(document=DocumentFactory(project=project))


def export_to(project, path) -> None:
    call_command(
        "export",
        "--project",
        project.slug,
        "--format",
        "csv",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )


def test_it_writes_into_a_fifo_and_leaves_it_a_fifo(tmp_path, project, claim):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    export_to(project, fifo)
    reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b"claim_id,")
    assert claim.text.encode() in received[0]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left


def test_it_follows_a_symlink_and_keeps_it(tmp_path, project, claim):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    export_to(project, link)
    assert link.is_symlink()
    assert real.read_text().startswith("claim_id,")


def test_an_existing_file_keeps_its_mode(tmp_path, project, claim):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o644)
    export_to(project, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text().startswith("claim_id,")


def test_a_new_file_gets_the_usual_mode_not_a_private_one(tmp_path, project, claim):
    umask = os.umask(0o022)
    try:
        export_to(project, tmp_path / "new.csv")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
