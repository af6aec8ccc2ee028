"""The native JSONL is a lossless backup: what a team did (locks, merges, rejections,
discussion, returns) and every claim's public id survive a restore; a field it does not
know is refused, not dropped; claims already there are left out one by one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from annotations.claims import merge_claims, reject_claim
from annotations.comments import add_comment
from annotations.models import Claim
from annotations.review import review_claim, set_lock

from .support.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

LIAR = Path("/work/shared/datasets/liar")


def export(api, user, project) -> str:
    response = api(user).get(f"/api/projects/{project.slug}/export/", {"format": "jsonl"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def upload(api, user, project, name: str, text: str, fmt: str = "jsonl"):
    return api(user).post(
        f"/api/projects/{project.slug}/imports/",
        {"file": SimpleUploadedFile(name, text.encode()), "format": fmt},
        format="multipart",
    )


@pytest.fixture
def restored(editor):
    target = ProjectFactory(slug="restored")
    MembershipFactory(project=target, user=editor, role="editor")
    return target


def submitted(claim, annotator, **fields):
    return AnnotationFactory(
        claim=claim, annotator=annotator, state="submitted", submitted_at=timezone.now(), **fields
    )


@pytest.fixture
def worked_on(project, annotator, editor):
    """Claims as a team leaves them: one approved and locked, with a discussion; its
    duplicate merged into it; one rejected; one returned to its annotator."""
    document = DocumentFactory(
        project=project, text="One claim. Two claim. Three claim. Four claim."
    )
    kept, duplicate, rejected, returned = (
        ClaimFactory(document=document, text=text)
        for text in ("One claim.", "Two claim.", "Three claim.", "Four claim.")
    )
    for claim in (kept, returned):
        submitted(claim, annotator)
        claim.status = "in_review"
        claim.save()
    merge_claims(kept, duplicate, editor)
    review_claim(kept, editor, action="approve", comment="Fine by me.")
    set_lock(kept, editor, locked=True)
    add_comment(kept, editor, "Checked against the minutes.")
    add_comment(kept, annotator, "Thanks.")
    rejected.refresh_from_db()
    reject_claim(rejected, editor, reason="Not a claim.", version=rejected.version)
    review_claim(returned, editor, action="return", comment="Add a source, please.")
    return {"kept": kept, "duplicate": duplicate, "rejected": rejected, "returned": returned}


def test_a_restore_keeps_what_the_team_did(api, editor, project, restored, worked_on):
    backup = export(api, editor, project)
    response = upload(api, editor, restored, "backup.jsonl", backup)
    assert response.status_code == 201, response.json()
    claims = {c.public_id: c for c in Claim.objects.filter(project=restored)}
    kept = claims[worked_on["kept"].public_id]
    assert kept.locked and kept.status == "approved"
    assert kept.review_comment == "Fine by me."
    assert [(c.author.username, c.body) for c in kept.comments.order_by("created_at")] == [
        ("erin", "Checked against the minutes."),
        ("alice", "Thanks."),
    ]
    duplicate = claims[worked_on["duplicate"].public_id]
    assert duplicate.merged_into == kept and duplicate.status == "rejected"
    rejected = claims[worked_on["rejected"].public_id]
    assert (rejected.status, rejected.rejection_reason) == ("rejected", "Not a claim.")
    returned = claims[worked_on["returned"].public_id]
    [review] = returned.reviews.all()
    assert (review.action, review.comment) == ("return", "Add a source, please.")
    # Public ids (and with them every exported URL and id) are the same after a restore.
    assert set(claims) == set(
        Claim.objects.filter(project=project).values_list("public_id", flat=True)
    )
    again = [json.loads(line) for line in export(api, editor, restored).splitlines()]
    before = [json.loads(line) for line in backup.splitlines()]
    for record in again + before:
        if record["type"] == "document":
            record.pop("id")
        else:
            record["document"].pop("id")
    assert again == before


def test_an_unknown_field_is_refused_with_its_line(api, editor, project, restored, worked_on):
    lines = export(api, editor, project).splitlines()
    claim = json.loads(lines[1]) | {"colour": "red"}
    lines[1] = json.dumps(claim)
    response = upload(api, editor, restored, "backup.jsonl", "\n".join(lines))
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["field"]) == (2, "colour")
    assert "unknown field" in response.json()["detail"]
    claim = json.loads(lines[1])
    claim.pop("colour")
    claim["annotations"][0]["mood"] = "tired"
    lines[1] = json.dumps(claim)
    response = upload(api, editor, restored, "backup.jsonl", "\n".join(lines))
    assert (response.json()["line"], response.json()["field"]) == (2, "annotations[0].mood")
    assert not Claim.objects.filter(project=restored).exists()


@pytest.mark.skipif(not LIAR.is_dir(), reason=f"LIAR files not found at {LIAR}")
def test_a_liar_file_with_one_new_row_imports_that_row(api, editor, project):
    original = (LIAR / "valid.tsv").read_text(encoding="utf-8")
    first = upload(api, editor, project, "valid.tsv", original, "liar")
    assert first.status_code == 201, first.json()
    imported = first.json()["claims"]
    row = "99999.json\ttrue\tThe river is 12 km long.\tgeography\tsam\t\t\t\t0\t0\t0\t0\t0\ta talk"
    response = upload(api, editor, project, "valid.tsv", original.rstrip("\n") + "\n" + row, "liar")
    assert response.status_code == 201, response.json()
    assert (response.json()["claims"], response.json()["duplicates"]) == (1, imported)
    assert Claim.objects.filter(project=project).count() == imported + 1
