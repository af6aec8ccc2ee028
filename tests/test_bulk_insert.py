"""Many rows in one go (COPY on PostgreSQL): every value stored as the ORM stores it, and a
duplicate refused as the database refuses it through the ORM."""

import pytest
from django.db import IntegrityError, transaction

from annotations.bulk import insert_objects
from annotations.models import Claim, Document, hash_content

from .support.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_rows_hold_what_the_orm_would_store(project):
    document = DocumentFactory(project=project, text="Prices rose 5% in May. Wages fell.")
    claims = [
        Claim(
            project=project,
            document=document,
            text="Prices rose 5% in May.",
            start=0,
            end=22,
            score=0.9,
            speaker="Ana",
            claim_types=["statistic", "event"],
        )
    ]
    insert_objects(claims)
    stored = Claim.objects.get(document=document)
    assert (stored.text, stored.start, stored.end, stored.speaker) == (
        "Prices rose 5% in May.",
        0,
        22,
        "Ana",
    )
    assert stored.claim_types == ["statistic", "event"]
    assert stored.metadata == {}
    assert stored.public_id == claims[0].public_id
    assert stored.created_at is not None and stored.updated_at is not None
    assert stored.in_queue and stored.status == "unstarted"


def test_a_duplicate_is_an_integrity_error(project):
    text = "The council met. It voted 7 to 2."
    DocumentFactory(project=project, text=text)
    duplicate = Document(project=project, title="Again", text=text, content_hash=hash_content(text))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_objects([duplicate], ["project", "title", "text", "content_hash", "created_at"])


@pytest.mark.postgres
def test_a_large_upload_refreshes_the_planner_statistics(
    project, editor, django_capture_on_commit_callbacks
):
    from django.db import connection

    from annotations.ingest import DocumentInput, create_documents

    docs = [
        DocumentInput(title=f"Report {i}", text=f"Prices rose {i}% in May.") for i in range(1000)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        create_documents(project, editor, docs)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'annotations_document'")
        assert cursor.fetchone()[0] >= 1000
