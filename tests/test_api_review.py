import pytest

from annotations.models import AuditEvent, Review

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_claim(api, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    response = api(annotator).put(
        f"/api/claims/{claim.pk}/annotation/",
        {
            "stance": "refuted",
            "verdict": "mostly_false",
            "rationale": "Off by half.",
            "submit": True,
            "version": 0,
        },
        format="json",
    )
    assert response.status_code == 200
    return claim


def review(api, user, claim, **payload):
    return api(user).post(f"/api/claims/{claim.pk}/review/", payload, format="json")


def test_an_editor_approves_the_submitted_verdict(api, submitted_claim, editor):
    response = review(api, editor, submitted_claim, action="approve")
    assert response.status_code == 201, response.json()
    submitted_claim.refresh_from_db()
    assert submitted_claim.status == "approved"
    assert submitted_claim.final_verdict == "mostly_false"
    assert submitted_claim.final_rationale == "Off by half."
    assert AuditEvent.objects.filter(object_type="claim", action="approve").exists()


def test_an_approval_comment_is_kept_beside_the_rationale_not_over_it(api, submitted_claim, editor):
    response = review(api, editor, submitted_claim, action="approve", comment="ok")
    assert response.status_code == 201, response.json()
    submitted_claim.refresh_from_db()
    assert submitted_claim.final_rationale == "Off by half."
    assert submitted_claim.review_comment == "ok"
    claim = api(editor).get(f"/api/claims/{submitted_claim.pk}/").json()
    assert (claim["final_rationale"], claim["review_comment"]) == ("Off by half.", "ok")


def test_an_editor_overrides_with_a_verdict(api, submitted_claim, editor):
    response = review(
        api, editor, submitted_claim, action="override", verdict="false", comment="Worse."
    )
    assert response.status_code == 201
    submitted_claim.refresh_from_db()
    assert (submitted_claim.status, submitted_claim.final_verdict) == ("approved", "false")


def test_an_override_needs_a_known_verdict(api, submitted_claim, editor):
    assert review(api, editor, submitted_claim, action="override").status_code == 400
    response = review(api, editor, submitted_claim, action="override", verdict="meh")
    assert response.status_code == 400
    assert "allowed" in response.json()["detail"]


def test_returning_needs_a_comment_and_reopens_the_annotation(
    api, submitted_claim, editor, annotator
):
    refused = review(api, editor, submitted_claim, action="return")
    assert refused.status_code == 400
    assert refused.json()["field"] == "comment"
    assert "a comment is required" in refused.json()["detail"]
    response = review(
        api, editor, submitted_claim, action="return", comment="Add a primary source."
    )
    assert response.status_code == 201
    submitted_claim.refresh_from_db()
    assert submitted_claim.status == "in_progress"
    mine = api(annotator).get(f"/api/claims/{submitted_claim.pk}/annotation/").json()
    assert mine["state"] == "draft"
    assert Review.objects.get().comment == "Add a primary source."


def test_a_claim_not_in_review_cannot_be_approved(api, project, editor):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    response = review(api, editor, claim, action="approve")
    assert response.status_code == 400
    assert "not awaiting review" in response.json()["detail"]


def test_disagreeing_annotations_need_a_choice(api, project, annotator, second_annotator, editor):
    project.annotations_per_claim = 2
    project.save()
    claim = ClaimFactory(document=DocumentFactory(project=project))
    for user, verdict in ((annotator, "false"), (second_annotator, "true")):
        api(user).put(
            f"/api/claims/{claim.pk}/annotation/",
            {"stance": "refuted", "verdict": verdict, "submit": True, "version": 0},
            format="json",
        )
    refused = review(api, editor, claim, action="approve")
    assert refused.status_code == 400
    assert refused.json()["field"] == "verdict"
    assert "The annotators disagree" in refused.json()["detail"]
    chosen = claim.annotations.get(annotator=second_annotator)
    response = review(api, editor, claim, action="approve", annotation=chosen.pk)
    assert response.status_code == 201
    claim.refresh_from_db()
    assert claim.final_verdict == "true"


def test_a_second_editor_deciding_from_a_stale_page_gets_409(api, submitted_claim, editor):
    assert review(api, editor, submitted_claim, action="approve", version=1).status_code == 201
    response = review(api, editor, submitted_claim, action="override", verdict="true", version=1)
    assert response.status_code == 409
    assert response.json()["current"]["final_verdict"] == "mostly_false"


def test_annotators_get_403_and_strangers_404(api, submitted_claim, annotator, stranger):
    assert review(api, annotator, submitted_claim, action="approve").status_code == 403
    assert review(api, stranger, submitted_claim, action="approve").status_code == 404


def test_a_return_cannot_lock_and_changes_nothing(api, submitted_claim, editor):
    response = review(api, editor, submitted_claim, action="return", comment="Why?", lock=True)
    assert response.status_code == 400
    assert response.json()["field"] == "lock"
    submitted_claim.refresh_from_db()
    assert (submitted_claim.status, submitted_claim.locked) == ("in_review", False)
    assert not Review.objects.exists()


def test_an_unknown_action_is_named(api, submitted_claim, editor):
    response = review(api, editor, submitted_claim, action="shelve")
    assert response.status_code == 400
    assert response.json()["field"] == "action"
