"""The project documents list: `q` (title or text contains) and `extraction_status` filters,
with limit/offset pagination and its `count`."""

import pytest

from .factories import DocumentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def url(project):
    return f"/api/projects/{project.slug}/documents/"


def test_it_filters_documents_by_text(api, project, annotator):
    for n in range(5):
        DocumentFactory(project=project, title=f"Wire {n}", text=f"Report {n} via Newswire.")
    for n in range(3):
        DocumentFactory(project=project, title=f"Blog {n}", text=f"Report {n} via blogpost.")
    body = api(annotator).get(url(project), {"q": "newswire", "limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert all("Newswire" in document["text"] for document in body["results"])


def test_the_text_filter_also_matches_titles(api, project, annotator):
    DocumentFactory(project=project, title="Budget speech", text="Spending rose.")
    DocumentFactory(project=project, title="Weather", text="It rained.")
    body = api(annotator).get(url(project), {"q": "budget"}).json()
    assert [document["title"] for document in body["results"]] == ["Budget speech"]


def test_it_filters_documents_by_extraction_status(api, project, annotator):
    DocumentFactory(project=project, extraction_status="queued")
    DocumentFactory(project=project, extraction_status="running")
    DocumentFactory(project=project, extraction_status="done")
    body = api(annotator).get(url(project), {"extraction_status": "queued,running"}).json()
    assert body["count"] == 2
    assert {document["extraction_status"] for document in body["results"]} == {
        "queued",
        "running",
    }


def test_without_filters_it_lists_every_document(api, project, annotator):
    DocumentFactory.create_batch(3, project=project)
    assert api(annotator).get(url(project), {"limit": 1}).json()["count"] == 3


def test_it_rejects_other_projects(api, project, annotator):
    other = ProjectFactory()
    DocumentFactory(project=other, text="Secret report via newswire.")
    assert api(annotator).get(url(other), {"q": "newswire"}).status_code == 404


def test_a_stranger_gets_404(api, project, stranger):
    DocumentFactory(project=project, text="Report via newswire.")
    assert api(stranger).get(url(project), {"q": "newswire"}).status_code == 404


def test_a_page_of_documents_takes_the_same_queries_whatever_its_size(
    api, project, annotator, django_assert_max_num_queries
):
    DocumentFactory.create_batch(20, project=project)
    client = api(annotator)
    # token, project, membership, count, page, the page's texts: not one per document
    with django_assert_max_num_queries(6):
        body = client.get(url(project), {"limit": 20, "q": "edition"}).json()
    assert len(body["results"]) == 20
    assert all(document["text"] for document in body["results"])
