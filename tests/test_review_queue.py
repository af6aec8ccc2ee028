import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import AuditEvent, Claim, ClaimStatus

from .support.reviewing import claim_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair_project(project):
    project.annotations_per_claim = 2
    project.save()
    return project


def queue(api, user, project, **params):
    return api(user).get(f"/api/projects/{project.slug}/review-queue/", params)


def test_disagreements_come_first(api, pair_project, editor, annotator, second_annotator):
    agreed = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "false"))
    disputed = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    response = queue(api, editor, pair_project)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [c["id"] for c in body["results"]] == [disputed.pk, agreed.pk]
    first = body["results"][0]
    assert first["disagreement"] is True
    assert first["differs"] == {
        "stance": False,
        "verdict": True,
        "guideline_version": False,
        "sources": False,
    }
    assert [a["annotator"] for a in first["annotations"]] == ["alice", "bruno"]
    assert first["annotations"][0]["sources"][0]["stance"] == "refutes"
    assert first["context_after"].startswith(" The mayor")
    only = queue(api, editor, pair_project, disagreements=1).json()
    assert [c["id"] for c in only["results"]] == [disputed.pk]


def test_a_different_stance_is_a_disagreement(
    api, pair_project, editor, annotator, second_annotator
):
    claim = claim_in_review(pair_project, (annotator, "false"))
    from annotations.annotating import save_annotation

    save_annotation(claim, second_annotator, stance="supported", verdict="false", submit=True)
    result = queue(api, editor, pair_project).json()["results"][0]
    assert result["disagreement"] is True
    assert result["differs"]["stance"] is True


def test_the_queue_costs_the_same_queries_for_more_claims(
    api, client, pair_project, editor, annotator, second_annotator
):
    client.force_login(editor)

    def count_queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    page, api_path = (
        f"/projects/{pair_project.slug}/review/",
        f"/api/projects/{pair_project.slug}/review-queue/",
    )
    few = count_queries(page), count_queries(api_path)
    for verdict in ("true", "false", "half_true", "mostly_true"):
        claim_in_review(pair_project, (annotator, "false"), (second_annotator, verdict))
    assert (count_queries(page), count_queries(api_path)) == few


def test_an_editor_approves_one_annotation_and_locks_it(
    api, pair_project, editor, annotator, second_annotator
):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    chosen = claim.annotations.get(annotator=second_annotator)
    response = api(editor).post(
        f"/api/claims/{claim.pk}/review/",
        {"action": "approve", "annotation": chosen.pk, "version": claim.version, "lock": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    claim.refresh_from_db()
    assert (claim.status, claim.final_verdict, claim.locked) == (ClaimStatus.APPROVED, "true", True)
    # A locked verdict refuses further review until reopened.
    response = api(editor).post(
        f"/api/claims/{claim.pk}/review/", {"action": "override", "verdict": "false"}, format="json"
    )
    assert response.status_code == 400
    assert "locked" in response.json()["detail"]


def test_reopening_needs_a_reason_and_is_audited(
    api, pair_project, editor, annotator, second_annotator
):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "false"))
    api(editor).post(f"/api/claims/{claim.pk}/review/", {"action": "approve"}, format="json")
    assert (
        api(editor)
        .post(f"/api/claims/{claim.pk}/lock/", {"locked": True}, format="json")
        .status_code
        == 200
    )
    assert (
        api(editor)
        .post(f"/api/claims/{claim.pk}/lock/", {"locked": False}, format="json")
        .status_code
        == 400
    )
    response = api(editor).post(
        f"/api/claims/{claim.pk}/lock/",
        {"locked": False, "reason": "New evidence from the court."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_review"
    assert response.json()["locked"] is False
    event = AuditEvent.objects.get(object_type="claim", object_id=claim.pk, action="reopen")
    assert event.actor == editor
    assert event.before["locked"] is True and event.before["final_verdict"] == "false"
    assert event.after["reason"] == "New evidence from the court."
    assert AuditEvent.objects.filter(object_id=claim.pk, action="lock").exists()


def test_an_editor_overrides(api, pair_project, editor, annotator, second_annotator):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    response = api(editor).post(
        f"/api/claims/{claim.pk}/review/",
        {"action": "override", "verdict": "half_true", "comment": "Both half right."},
        format="json",
    )
    assert response.status_code == 201
    claim.refresh_from_db()
    assert claim.final_verdict == "half_true"


def test_a_claim_returned_to_one_annotator_shows_her_the_comment(
    api, client, pair_project, editor, annotator, second_annotator
):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    alices = claim.annotations.get(annotator=annotator)
    response = api(editor).post(
        f"/api/claims/{claim.pk}/review/",
        {"action": "return", "annotation": alices.pk, "comment": "Check the second vote count."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert claim.annotations.get(annotator=second_annotator).state == "submitted"
    assert claim.annotations.get(annotator=annotator).state == "draft"

    mine = api(annotator).get(f"/api/projects/{pair_project.slug}/returned/").json()["results"]
    assert [(c["id"], c["return_comment"], c["returned_by"]) for c in mine] == [
        (claim.pk, "Check the second vote count.", "erin")
    ]
    assert (
        api(second_annotator).get(f"/api/projects/{pair_project.slug}/returned/").json()["results"]
        == []
    )
    client.force_login(annotator)
    page = client.get(f"/projects/{pair_project.slug}/").content.decode()
    assert "Returned to you" in page and "Check the second vote count." in page

    from annotations.annotating import save_annotation

    save_annotation(
        claim, annotator, stance="refuted", verdict="true", submit=True, version=alices.version + 1
    )
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.IN_REVIEW
    assert (
        api(annotator).get(f"/api/projects/{pair_project.slug}/returned/").json()["results"] == []
    )


def test_a_claim_returned_to_everyone_shows_for_both(
    api, pair_project, editor, annotator, second_annotator
):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    api(editor).post(
        f"/api/claims/{claim.pk}/review/",
        {"action": "return", "comment": "Sources?"},
        format="json",
    )
    for user in (annotator, second_annotator):
        results = api(user).get(f"/api/projects/{pair_project.slug}/returned/").json()["results"]
        assert [c["return_comment"] for c in results] == ["Sources?"]


def test_the_page_highlights_differences_and_resolves(
    client, pair_project, editor, annotator, second_annotator
):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    client.force_login(editor)
    body = client.get(f"/projects/{pair_project.slug}/review/").content.decode()
    assert "Annotators disagree" in body
    assert 'class="differs"' in body
    chosen = claim.annotations.get(annotator=annotator)
    response = client.post(
        f"/claims/{claim.pk}/review/",
        {"action": "approve", "annotation": chosen.pk, "version": claim.version, "lock": "1"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.final_verdict, claim.locked) == ("false", True)


def test_annotators_get_403_on_review(api, client, pair_project, annotator, second_annotator):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    assert queue(api, annotator, pair_project).status_code == 403
    assert (
        api(annotator)
        .post(f"/api/claims/{claim.pk}/lock/", {"locked": True}, format="json")
        .status_code
        == 403
    )
    client.force_login(annotator)
    assert client.get(f"/projects/{pair_project.slug}/review/").status_code == 403
    assert client.post(f"/claims/{claim.pk}/lock/", {"action": "lock"}).status_code == 403


def test_strangers_get_404(api, client, pair_project, annotator, second_annotator, stranger):
    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    assert queue(api, stranger, pair_project).status_code == 404
    assert (
        api(stranger)
        .post(f"/api/claims/{claim.pk}/lock/", {"locked": True}, format="json")
        .status_code
        == 404
    )
    assert api(stranger).get(f"/api/projects/{pair_project.slug}/returned/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/projects/{pair_project.slug}/review/").status_code == 404
    assert client.post(f"/claims/{claim.pk}/lock/", {"action": "lock"}).status_code == 404
    assert client.get(f"/projects/{pair_project.slug}/returned/").status_code == 404


def test_the_stored_flag_follows_edits_made_in_review(pair_project, annotator, second_annotator):
    from annotations.annotating import save_annotation

    claim = claim_in_review(pair_project, (annotator, "false"), (second_annotator, "true"))
    assert claim.disagreement is True
    mine = claim.annotations.get(annotator=second_annotator)
    save_annotation(
        claim,
        second_annotator,
        stance="refuted",
        verdict="false",
        submit=True,
        version=mine.version,
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert claim.disagreement is False
    computed = Claim.objects.filter(pk=claim.pk).with_disagreement().get()
    assert computed.annotated_disagreement is False
