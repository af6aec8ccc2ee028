"""The pipeline on real services: a document ingested through the API is extracted by a
real Celery worker process, over Redis, into PostgreSQL.

The worker is a separate process pointed at pytest-django's test database, so the test
uses `transactional_db`: rows must be committed for the worker to see them, and the
worker's writes are visible to the test."""

from __future__ import annotations

import pytest
from django.db import connection

from annotations.models import Claim, JobState

from .support.celery_worker import wait_for_extraction

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    # Committed rows (another process reads them); the preset rating scales come back
    # after each flush through post_migrate (annotations/scales.py).
    pytest.mark.django_db(transaction=True),
]


def test_the_worker_extracts_a_document_ingested_through_the_api(worker, project, annotator, api):
    text = (
        "The town council voted 7 to 2 on Tuesday to build a 1.8-kilometre flood wall. "
        "Mayor Ana Ribeiro said the wall would cost 14.5 million euros.\n\n"
        "Storm surges reached the quay eleven times this year, compared with three in 2015."
    )
    response = api(annotator).post(
        f"/api/projects/{project.slug}/documents/", {"title": "Flood wall", "text": text}
    )
    assert response.status_code == 201, response.json()
    # Not run in-process: the row is queued until the worker picks the task up.
    assert response.json()["extraction_status"] == JobState.QUEUED

    document = wait_for_extraction(response.json()["id"], worker)
    assert document.extraction_job.state == JobState.DONE, document.extraction_job.error
    assert document.extractor_version

    claims = api(annotator).get(f"/api/projects/{project.slug}/claims/").json()["results"]
    assert len(claims) >= 2
    assert {claim["document"] for claim in claims} == {document.pk}
    for claim in claims:
        assert text[claim["start"] : claim["end"]] == claim["text"]
    assert "annotations.tasks.run_jobs" in worker.read_text()


REFUSED_MARKER = "REFUSED-BY-THE-DATABASE"


@pytest.fixture
def claims_table_refusing_marker(transactional_db):
    """A trigger makes PostgreSQL refuse claims containing a marker, as a constraint would:
    a real failure in the worker's process, which no monkeypatching could reach."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION pytest_refuse_claim() RETURNS trigger AS $$
            BEGIN
              IF NEW.text LIKE '%{REFUSED_MARKER}%' THEN
                RAISE EXCEPTION 'claim refused by the database' USING ERRCODE = 'check_violation';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER pytest_refuse_claim BEFORE INSERT ON annotations_claim
              FOR EACH ROW EXECUTE FUNCTION pytest_refuse_claim();
            """
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS pytest_refuse_claim ON annotations_claim;"
            "DROP FUNCTION IF EXISTS pytest_refuse_claim();"
        )


def test_a_failed_extraction_is_recorded_on_the_document(
    claims_table_refusing_marker, worker, project, annotator, api
):
    text = (
        "Unemployment fell to 3.5 percent in May. "
        f"The {REFUSED_MARKER} figure was 4 percent in 2020."
    )
    response = api(annotator).post(
        f"/api/projects/{project.slug}/documents/", {"title": "Jobs", "text": text}
    )
    assert response.status_code == 201, response.json()

    wait_for_extraction(response.json()["id"], worker)
    served = api(annotator).get(f"/api/documents/{response.json()['id']}/").json()
    assert served["extraction_status"] == "failed"
    assert "IntegrityError" in served["extraction_error"]
    assert "claim refused by the database" in served["extraction_error"]
    # All or nothing: the claim the database accepted was rolled back with the refused one.
    assert not Claim.objects.filter(document_id=served["id"]).exists()
