"""Every list filter of the API is validated (django-filter FilterSets): a value that is
not what the filter takes is a 400 naming the parameter, in the `{detail, field}` shape,
never a 500."""

from __future__ import annotations

import pytest

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def assert_refused(response, field: str) -> dict:
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["field"] == field and body["detail"]
    return body


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_score": "abc"}, "min_score"),
        ({"document": "abc"}, "document"),
        ({"q": "flood\x00wall"}, "q"),
        ({"status": "approved,nonsense"}, "status"),
    ],
)
def test_bad_claim_filters_are_named(api, project, annotator, params, field):
    ClaimFactory(document__project=project)
    response = api(annotator).get(f"/api/projects/{project.slug}/claims/", params)
    assert_refused(response, field)


def test_good_claim_filters_still_filter(api, project, annotator):
    kept = ClaimFactory(document__project=project, score=0.9)
    ClaimFactory(document__project=project, score=0.1)
    params = {"min_score": "0.5", "document": kept.document_id, "status": "unstarted"}
    response = api(annotator).get(f"/api/projects/{project.slug}/claims/", params)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [kept.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "\x00"}, "q"),
        ({"extraction_status": "done,exploded"}, "extraction_status"),
    ],
)
def test_bad_document_filters_are_named(api, project, annotator, params, field):
    DocumentFactory(project=project)
    response = api(annotator).get(f"/api/projects/{project.slug}/documents/", params)
    assert_refused(response, field)


@pytest.mark.parametrize(
    ("params", "field"), [({"user": "al\x00ice"}, "user"), ({"claim": "x"}, "claim")]
)
def test_bad_assignment_filters_are_named(api, project, editor, params, field):
    response = api(editor).get(f"/api/projects/{project.slug}/assignments/", params)
    assert_refused(response, field)


def test_a_bad_review_queue_page_is_refused(api, project, editor):
    response = api(editor).get(f"/api/projects/{project.slug}/review-queue/", {"page": "abc"})
    assert_refused(response, "page")
