import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Document

pytestmark = pytest.mark.django_db


def test_ingest_reads_folders_recursively_and_summarises(tmp_path, project, admin):
    (tmp_path / "a.txt").write_text("Headline A\n\nTaxes rose by 3% in 2024.")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.md").write_text("# Headline B\n\nThe bridge cost $2 million.")
    (tmp_path / "nested" / "c.jsonl").write_text(
        json.dumps({"title": "C", "text": "Crime fell 10%."})
        + "\n"
        + json.dumps({"title": "D", "text": "Rents rose 8%."})
    )
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    out = io.StringIO()
    call_command(
        "ingest",
        "--project",
        project.slug,
        str(tmp_path),
        stdout=out,
        stderr=io.StringIO(),
        verbosity=0,
    )
    assert "4 documents added" in out.getvalue()
    assert sorted(Document.objects.values_list("title", flat=True)) == [
        "C",
        "D",
        "Headline A",
        "Headline B",
    ]


def test_ingest_names_the_bad_line_and_imports_nothing_from_that_file(tmp_path, project, admin):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "One."}\n{"text": "Two."}\n{"text": 3}\n')
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 files failed"):
        call_command(
            "ingest",
            "--project",
            project.slug,
            str(bad),
            stdout=io.StringIO(),
            stderr=err,
            verbosity=0,
        )
    assert "line 3" in err.getvalue()
    assert not Document.objects.exists()


def test_ingest_skips_duplicates(tmp_path, project, admin):
    (tmp_path / "a.txt").write_text("Same text, 5 times.")
    (tmp_path / "b.txt").write_text("Same text, 5 times.")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "ingest", "--project", project.slug, str(tmp_path), stdout=out, stderr=err, verbosity=0
    )
    assert "1 documents added, 1 files skipped" in out.getvalue()


def test_ingest_refuses_an_unknown_project(tmp_path, db):
    with pytest.raises(CommandError, match="No project"):
        call_command("ingest", "--project", "nope", str(tmp_path))


def test_export_writes_a_file_and_to_stdout(tmp_path, project, capsys):
    from .support.factories import ClaimFactory, DocumentFactory

    claim = ClaimFactory(document=DocumentFactory(project=project))
    target = tmp_path / "out.jsonl"
    call_command(
        "export",
        "--project",
        project.slug,
        "--format",
        "jsonl",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["id"] for r in records if r["type"] == "claim"] == [str(claim.public_id)]
    call_command("export", "--project", project.slug, "--format", "csv", "--output", "-")
    assert claim.text in capsys.readouterr().out
    assert not list(tmp_path.glob("*.part"))


def test_seed_demo_creates_the_demo_project_and_logins_once(django_capture_on_commit_callbacks):
    from annotations.models import Project

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    project = Project.objects.get(slug="demo")
    roles = dict(project.memberships.values_list("user__username", "role"))
    assert roles == {"annotator": "annotator", "editor": "editor", "admin": "admin"}
    assert project.documents.count() == 1
    assert project.claims.exists()
    assert "annotate-demo-2026" in out.getvalue()
