"""The migration that gives claims their public ids also gives back the rationale an
approval comment had written over, and keeps that comment as the review comment."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("annotations", "0005_claim_public_id_and_export_fields")]
AFTER = [("annotations", "0007_claim_public_id_required")]


@pytest.fixture
def latest_schema_after():
    """The tests after this one run on the latest schema again, not on AFTER's."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_decided_claims_get_their_rationale_back_and_every_claim_an_id(latest_schema_after) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("auth", "User")
    scale = apps.get_model("annotations", "RatingScale").objects.create(key="m", name="M")
    project = apps.get_model("annotations", "Project").objects.create(
        slug="m", name="M", rating_scale=scale
    )
    document = apps.get_model("annotations", "Document").objects.create(
        project=project, title="T", text="One. Two.", content_hash="x"
    )
    Claim = apps.get_model("annotations", "Claim")
    approved, plain = (
        Claim.objects.create(
            project=project, document=document, text=text, start=start, end=start + 4, **fields
        )
        for text, start, fields in (
            ("One.", 0, {"status": "approved", "final_verdict": "false", "final_rationale": "ok"}),
            ("Two.", 5, {}),
        )
    )
    alice = User.objects.create(username="alice")
    erin = User.objects.create(username="erin")
    annotation = apps.get_model("annotations", "Annotation").objects.create(
        claim=approved,
        annotator=alice,
        verdict="false",
        rationale="The minutes say so.",
        state="submitted",
        submitted_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    apps.get_model("annotations", "Review").objects.create(
        claim=approved, editor=erin, action="approve", comment="ok", annotation=annotation
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Claim = executor.loader.project_state(AFTER).apps.get_model("annotations", "Claim")
    approved = Claim.objects.get(pk=approved.pk)
    assert (approved.final_rationale, approved.review_comment) == ("The minutes say so.", "ok")
    ids = set(Claim.objects.values_list("public_id", flat=True))
    assert None not in ids and len(ids) == 2
    assert Claim.objects.get(pk=plain.pk).review_comment == ""
