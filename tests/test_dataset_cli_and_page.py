"""The dataset CLI (export with filters, import_dataset) and the export page."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annotations.models import Claim
from tests.support.factories import ProjectFactory

from .support.dataset_project import build_small_project, expected


@pytest.fixture
def small(project, annotator, second_annotator, editor):
    return build_small_project(project, annotator, second_annotator, editor)


@pytest.mark.parametrize(
    "name,expected_file",
    [
        ("csv", "small.csv"),
        ("liar", "small.liar.tsv"),
        ("csv_annotations", "small.annotations.csv"),
    ],
)
def test_the_export_command_writes_each_format(project, small, tmp_path, name, expected_file):
    target = tmp_path / "out"
    call_command(
        "export", project=project.slug, format=name, output=str(target), stderr=io.StringIO()
    )
    assert target.read_text(encoding="utf-8") == expected(expected_file, small)


@pytest.mark.parametrize("name", ["jsonl", "fever", "averitec", "claimreview"])
def test_the_export_command_writes_json_formats_to_stdout(project, small, name, capsys):
    call_command("export", project=project.slug, format=name, output="-")
    out = capsys.readouterr().out
    records = (
        json.loads(out)
        if name in ("averitec", "claimreview")
        else [json.loads(line) for line in out.splitlines()]
    )
    assert records


def test_the_export_command_takes_filters(project, small, capsys):
    call_command(
        "export",
        project=project.slug,
        format="csv",
        output="-",
        status="approved",
        annotator="bruno",
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [str(small["p1"])]


def test_the_export_command_refuses_a_bad_filter(project, small):
    with pytest.raises(CommandError, match="status"):
        call_command("export", project=project.slug, format="csv", output="-", status="done")


def test_import_dataset_round_trips_through_the_cli(project, small, tmp_path, capsys):
    backup = tmp_path / "backup.jsonl"
    call_command(
        "export", project=project.slug, format="jsonl", output=str(backup), stderr=io.StringIO()
    )
    target = ProjectFactory(slug="copy")
    call_command("import_dataset", str(backup), project="copy", format="jsonl", dry_run=True)
    assert "Would import 4 claims" in capsys.readouterr().out
    assert not Claim.objects.filter(project=target).exists()
    call_command("import_dataset", str(backup), project="copy", format="jsonl")
    assert "Imported 4 claims in 2 documents" in capsys.readouterr().out
    assert Claim.objects.filter(project=target).count() == 4


def test_import_dataset_names_a_jsonl_line_that_is_not_utf8(project, small, tmp_path):
    backup = tmp_path / "backup.jsonl"
    call_command(
        "export", project=project.slug, format="jsonl", output=str(backup), stderr=io.StringIO()
    )
    lines = backup.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"council", b"counc\xe9l")
    backup.write_bytes(b"".join(lines))
    target = ProjectFactory(slug="copy")
    with pytest.raises(CommandError, match="line 3.*not valid UTF-8"):
        call_command("import_dataset", str(backup), project="copy", format="jsonl")
    assert not Claim.objects.filter(project=target).exists()


def test_import_dataset_reports_the_bad_line(project, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("text,final_verdict\nFine.,true\nBad.,sort_of\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: final_verdict: 'sort_of'"):
        call_command(
            "import_dataset", str(path), project=project.slug, format="csv", stderr=io.StringIO()
        )
    assert not Claim.objects.filter(project=project).exists()
    call_command(
        "import_dataset",
        str(path),
        project=project.slug,
        format="csv",
        skip_bad_lines=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Claim.objects.filter(project=project).count() == 1


def test_the_page_streams_a_filtered_download(client, project, editor, small):
    client.force_login(editor)
    response = client.get(
        f"/projects/{project.slug}/export/", {"format": "csv", "verdict": ["mostly_false"]}
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [str(small["p1"])]


def test_the_page_shows_filters_and_the_import_form_to_editors(client, project, editor, annotator):
    client.force_login(editor)
    page = client.get(f"/projects/{project.slug}/export/").content.decode()
    assert 'name="date_from"' in page and 'name="annotator"' in page
    assert "Import an annotated dataset" in page
    client.force_login(annotator)
    # Exports carry every annotator's verdicts: annotation is blind, so annotators get 403.
    assert client.get(f"/projects/{project.slug}/export/").status_code == 403


def test_the_page_imports_and_shows_the_summary(client, project, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("c.csv", b"text,final_verdict\nThe wall is tall.,true\n")
    response = client.post(f"/projects/{project.slug}/import/", {"file": upload, "format": "csv"})
    assert response.status_code == 200
    assert "Imported 1 claims in 1 documents" in response.content.decode()


def test_the_page_shows_the_bad_line(client, project, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("c.csv", b"text,final_verdict\n,true\n")
    response = client.post(f"/projects/{project.slug}/import/", {"file": upload, "format": "csv"})
    assert response.status_code == 400
    assert "line 2: text: is missing or empty." in response.content.decode()


def test_the_page_rejects_other_projects(client, project, stranger):
    client.force_login(stranger)
    assert client.get(f"/projects/{project.slug}/export/").status_code == 404
    assert client.post(f"/projects/{project.slug}/exports/", {"format": "csv"}).status_code == 404
    upload = SimpleUploadedFile("c.csv", b"text\nA claim.\n")
    response = client.post(f"/projects/{project.slug}/import/", {"file": upload, "format": "csv"})
    assert response.status_code == 404


def test_the_page_explains_a_backwards_date_range(client, project, editor):
    client.force_login(editor)
    response = client.get(
        f"/projects/{project.slug}/export/",
        {"format": "csv", "date_from": "2024-05-01", "date_to": "2024-04-01"},
    )
    assert response.status_code == 400
    assert "must not be after date_to" in response.content.decode()
