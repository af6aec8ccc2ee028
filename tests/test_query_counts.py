"""The SQL statements of the hot paths, counted, so that a change adding one fails here
rather than in a benchmark nobody reruns. Each count is the same however big the project:
the tests add work around the claim and count again.

Tests run inside a transaction, so a write's own transaction shows as SAVEPOINT and RELEASE
(BEGIN and COMMIT outside tests); they are part of the counts."""

import pytest
from django.utils import timezone

from annotations.annotating import save_annotation
from annotations.assignments import assign_claims
from annotations.models import Role
from annotations.queue import skip_claim

from .conftest import member
from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def claims_of(project, n):
    text = " ".join(f"Claim number {i} is a sentence." for i in range(n))
    document = DocumentFactory(project=project, text=text)
    claims = []
    for i in range(n):
        sentence = f"Claim number {i} is a sentence."
        start = text.index(f"Claim number {i} ")
        claims.append(
            ClaimFactory(document=document, text=sentence, start=start, end=start + len(sentence))
        )
    return claims


def a_busy_project(project, editor):
    """Claims others submitted, reserved, skipped and were assigned, in front of the rest."""
    project.annotations_per_claim = 2
    project.save()
    claims = claims_of(project, 30)
    others = [member(project, Role.ANNOTATOR) for _ in range(4)]
    for claim in claims[:6]:
        for other in others[:2]:
            AnnotationFactory(
                claim=claim, annotator=other, state="submitted", submitted_at=timezone.now()
            )
    assign_claims(project, editor, others[2], claims[6:12])
    assign_claims(project, editor, others[3], claims[6:12])
    for claim in claims[12:16]:
        skip_claim(claim, others[0])
    return claims


def next_url(project):
    return f"/api/projects/{project.slug}/queue/next/"


# token, her membership with the project; SAVEPOINT; her drafts, her assignments, the open claims
# (SKIP LOCKED); the places counted again under the lock, the reservation and its audit
# event; RELEASE.
QUEUE_NEXT = 10


def test_queue_next(api, project, annotator, editor, django_assert_num_queries):
    claims_of(project, 2)
    client = api(annotator)
    with django_assert_num_queries(QUEUE_NEXT):
        assert client.post(next_url(project)).status_code == 200


def test_queue_next_in_a_busy_project(api, project, annotator, editor, django_assert_num_queries):
    a_busy_project(project, editor)
    client = api(annotator)
    with django_assert_num_queries(QUEUE_NEXT):
        assert client.post(next_url(project)).status_code == 200


def test_queue_next_finding_her_draft(api, project, annotator, editor, django_assert_num_queries):
    claims = a_busy_project(project, editor)
    AnnotationFactory(claim=claims[-1], annotator=annotator)
    client = api(annotator)
    # The draft is found first: two queries fewer than a claim from the open ones.
    with django_assert_num_queries(QUEUE_NEXT - 2):
        response = client.post(next_url(project))
    assert response.json()["claim"]["id"] == claims[-1].pk


def test_queue_next_when_empty(api, project, annotator, django_assert_num_queries):
    # token, membership with the project; SAVEPOINT; drafts, assignments, open claims skipping
    # locked ones, then waiting for them; RELEASE.
    client = api(annotator)
    with django_assert_num_queries(8):
        assert client.post(next_url(project)).status_code == 204


# token, membership with the project, the page with its documents' extraction jobs.
DOCUMENT_LIST = 3


def test_the_document_list(api, project, annotator, django_assert_num_queries):
    DocumentFactory.create_batch(30, project=project)
    client = api(annotator)
    url = f"/api/projects/{project.slug}/documents/"
    first = client.get(url, {"page_size": 10}).json()
    # The same for page 1, a page deep down (its cursor) and a filtered page.
    for path in (url + "?page_size=10", first["next"], url + "?page_size=10&q=edition"):
        with django_assert_num_queries(DOCUMENT_LIST):
            body = client.get(path).json()
        assert len(body["results"]) == 10
        assert all(document["text"] for document in body["results"])


def annotation_url(claim):
    return f"/api/claims/{claim.pk}/annotation/"


SUBMIT = {"stance": "refuted", "verdict": "false", "submit": True, "version": 0}


def test_submitting_an_annotation(api, project, annotator, editor, django_assert_num_queries):
    claims = a_busy_project(project, editor)
    # token, the claim with her membership, the scale's labels; SAVEPOINT; the claim locked with her
    # annotation, her reservation and the guidelines' version; the annotation; the claim's
    # counts; the claim's status and places; both audit events; RELEASE.
    client = api(annotator)
    with django_assert_num_queries(10):
        response = client.put(annotation_url(claims[-1]), SUBMIT, format="json")
    assert response.status_code == 200


def test_submitting_the_claim_she_holds(api, project, annotator, editor, django_assert_num_queries):
    a_busy_project(project, editor)
    client = api(annotator)
    claim_id = client.post(next_url(project)).json()["claim"]["id"]
    # As above, and her reservation ends.
    with django_assert_num_queries(11):
        response = client.put(annotation_url_of(claim_id), SUBMIT, format="json")
    assert response.status_code == 200


def annotation_url_of(claim_id):
    return f"/api/claims/{claim_id}/annotation/"


def test_autosaving_a_draft(api, project, annotator, editor, django_assert_num_queries):
    claims = a_busy_project(project, editor)
    annotation = save_annotation(claims[-1], annotator, stance="refuted", rationale="First")
    draft = {"stance": "refuted", "rationale": "Second", "version": annotation.version}
    # token, the claim with her membership; SAVEPOINT; the claim locked; her annotation and its sources;
    # the annotation; its audit event; RELEASE. No verdict yet, so no labels to check it
    # against; her reservation was extended a moment ago; and a draft saved again changes
    # neither the claim's status nor its places.
    client = api(annotator)
    with django_assert_num_queries(9):
        response = client.put(annotation_url(claims[-1]), draft, format="json")
    assert response.status_code == 200


def test_the_desk_page(client, project, annotator, editor, django_assert_num_queries):
    claims = a_busy_project(project, editor)
    for claim in claims[-5:]:
        save_annotation(claim, annotator, stance="refuted", rationale="Checked")
    client.force_login(annotator)
    # session, user; the document with its project, scale and her membership; its claims, their
    # "checked before?" matches; the guidelines' version, the scale's labels; her
    # annotations and their sources.
    with django_assert_num_queries(9):
        assert client.get(f"/documents/{claims[0].document_id}/").status_code == 200


def a_review_queue(project, annotators, n):
    from .support.reviewing import claim_in_review

    project.annotations_per_claim = 2
    project.save()
    for i in range(n):
        claim_in_review(
            project, (annotators[0], "false"), (annotators[1], ("true", "false")[i % 2])
        )


# Token or session and user, membership with the project; the number in review, a page of them,
# their submitted annotations and those's sources, the claims' context in their documents,
# the scale's labels.
REVIEW_QUEUE = 8


def test_the_review_queue(
    api, client, project, annotator, second_annotator, editor, django_assert_num_queries
):
    a_review_queue(project, [annotator, second_annotator], 6)
    api_client = api(editor)
    with django_assert_num_queries(REVIEW_QUEUE):
        assert api_client.get(f"/api/projects/{project.slug}/review-queue/").status_code == 200
    client.force_login(editor)
    # The page: a session lookup besides the user, and the scale's labels once more for
    # the verdict choices.
    with django_assert_num_queries(REVIEW_QUEUE + 2):
        assert client.get(f"/projects/{project.slug}/review/").status_code == 200
