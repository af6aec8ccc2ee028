import datetime

import pytest
from django.utils import timezone

from annotations.models import AuditEvent, ClaimReservation, ClaimSkip, Project

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def next_url(project):
    return f"/api/projects/{project.slug}/queue/next/"


def claims_with_scores(project, *scores):
    document = DocumentFactory(
        project=project, text=" ".join(f"Sentence {i} says {i}." for i in range(len(scores)))
    )
    claims = []
    for i, score in enumerate(scores):
        text = f"Sentence {i} says {i}."
        start = document.text.index(text)
        claims.append(
            ClaimFactory(
                document=document, text=text, start=start, end=start + len(text), score=score
            )
        )
    return claims


def test_it_gives_the_highest_scoring_claim_first(api, project, annotator):
    low, high, middle = claims_with_scores(project, 0.2, 0.9, 0.5)
    response = api(annotator).post(next_url(project))
    assert response.status_code == 200
    body = response.json()
    assert body["claim"]["id"] == high.pk
    assert body["desk_url"] == f"/documents/{high.document_id}/?claim={high.pk}"
    assert ClaimReservation.objects.filter(claim=high, user=annotator).exists()


def test_it_follows_document_order_when_the_project_asks(api, project, annotator):
    project.queue_order = Project.QueueOrder.DOCUMENT
    project.save()
    first, second, third = claims_with_scores(project, 0.2, 0.9, 0.5)
    assert api(annotator).post(next_url(project)).json()["claim"]["id"] == first.pk


def test_the_same_annotator_gets_the_same_claim_again(api, project, annotator):
    claims_with_scores(project, 0.9, 0.5)
    first = api(annotator).post(next_url(project)).json()["claim"]["id"]
    assert api(annotator).post(next_url(project)).json()["claim"]["id"] == first


def test_a_reserved_claim_goes_to_the_next_annotator_only_with_overlap(
    api, project, annotator, second_annotator
):
    high, low = claims_with_scores(project, 0.9, 0.5)
    assert api(annotator).post(next_url(project)).json()["claim"]["id"] == high.pk
    # One annotation per claim: bruno gets the other claim.
    assert api(second_annotator).post(next_url(project)).json()["claim"]["id"] == low.pk


def test_with_two_annotations_per_claim_both_get_the_same_claim(
    api, project, annotator, second_annotator
):
    project.annotations_per_claim = 2
    project.save()
    high, _low = claims_with_scores(project, 0.9, 0.5)
    assert api(annotator).post(next_url(project)).json()["claim"]["id"] == high.pk
    assert api(second_annotator).post(next_url(project)).json()["claim"]["id"] == high.pk


def test_an_expired_reservation_returns_the_claim_to_the_queue(
    api, project, annotator, second_annotator
):
    high, _low = claims_with_scores(project, 0.9, 0.5)
    api(annotator).post(next_url(project))
    ClaimReservation.objects.filter(user=annotator).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert api(second_annotator).post(next_url(project)).json()["claim"]["id"] == high.pk


def test_submitted_claims_leave_her_queue_and_free_the_place(
    api, project, annotator, second_annotator
):
    project.annotations_per_claim = 2
    project.save()
    high, low = claims_with_scores(project, 0.9, 0.5)
    api(annotator).post(next_url(project))
    response = api(annotator).put(
        f"/api/claims/{high.pk}/annotation/",
        {"stance": "refuted", "verdict": "false", "submit": True, "version": 0},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert not ClaimReservation.objects.filter(user=annotator).exists()
    assert api(annotator).post(next_url(project)).json()["claim"]["id"] == low.pk
    assert api(second_annotator).post(next_url(project)).json()["claim"]["id"] == high.pk


def test_a_claim_with_enough_submitted_annotations_is_not_offered(
    api, project, annotator, second_annotator
):
    (claim,) = claims_with_scores(project, 0.9)
    AnnotationFactory(
        claim=claim, annotator=second_annotator, state="submitted", submitted_at=timezone.now()
    )
    assert api(annotator).post(next_url(project)).status_code == 204


def test_her_own_draft_comes_back_first(api, project, annotator):
    high, low = claims_with_scores(project, 0.9, 0.2)
    AnnotationFactory(claim=low, annotator=annotator)
    assert api(annotator).post(next_url(project)).json()["claim"]["id"] == low.pk


def test_saving_a_draft_extends_the_reservation(api, project, annotator):
    (claim,) = claims_with_scores(project, 0.9)
    api(annotator).post(next_url(project))
    ClaimReservation.objects.update(expires_at=timezone.now() + datetime.timedelta(seconds=5))
    api(annotator).put(
        f"/api/claims/{claim.pk}/annotation/", {"rationale": "x", "version": 0}, format="json"
    )
    reservation = ClaimReservation.objects.get(user=annotator)
    assert reservation.expires_at > timezone.now() + datetime.timedelta(minutes=20)


def test_skip_is_recorded_and_the_claim_leaves_her_queue(api, project, annotator):
    high, low = claims_with_scores(project, 0.9, 0.5)
    api(annotator).post(next_url(project))
    response = api(annotator).post(
        f"/api/claims/{high.pk}/skip/", {"reason": "Outside my beat"}, format="json"
    )
    assert response.status_code == 201
    assert ClaimSkip.objects.get(claim=high, user=annotator).reason == "Outside my beat"
    assert AuditEvent.objects.filter(action="skip", object_type="claimskip").exists()
    assert not ClaimReservation.objects.filter(claim=high, user=annotator).exists()
    assert api(annotator).post(next_url(project)).json()["claim"]["id"] == low.pk


def test_skipping_twice_is_harmless(api, project, annotator):
    (claim,) = claims_with_scores(project, 0.9)
    assert api(annotator).post(f"/api/claims/{claim.pk}/skip/").status_code == 201
    assert api(annotator).post(f"/api/claims/{claim.pk}/skip/").status_code == 201
    assert ClaimSkip.objects.count() == 1


def test_an_empty_queue_answers_204(api, project, annotator):
    assert api(annotator).post(next_url(project)).status_code == 204


def test_queue_stranger_gets_404(api, project, stranger):
    claims_with_scores(project, 0.9)
    assert api(stranger).post(next_url(project)).status_code == 404


def test_skip_stranger_gets_404(api, project, stranger):
    (claim,) = claims_with_scores(project, 0.9)
    assert api(stranger).post(f"/api/claims/{claim.pk}/skip/").status_code == 404
    assert not ClaimSkip.objects.exists()


def test_claims_assigned_to_her_come_first_and_hold_their_place(
    api, project, annotator, second_annotator, editor
):
    from annotations.assignments import assign_claims

    low, high = claims_with_scores(project, 0.2, 0.9)
    assign_claims(project, editor, second_annotator, [low])
    assign_claims(project, editor, annotator, [high])
    # Bruno gets his assigned claim although it scores lower than the other one.
    assert api(second_annotator).post(next_url(project)).json()["claim"]["id"] == low.pk
    # With one annotation per claim, neither claim is offered to a third person.
    third = api(editor).post(next_url(project))
    assert third.status_code == 204
