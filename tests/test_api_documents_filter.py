"""The project documents list: newest first in keyset pages, `q` (title or text contains)
and `extraction_status` filters, and the number of matches on request."""

import pytest

from .support.factories import DocumentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def url(project):
    return f"/api/projects/{project.slug}/documents/"


def test_it_filters_documents_by_text(api, project, annotator):
    for n in range(5):
        DocumentFactory(project=project, title=f"Wire {n}", text=f"Report {n} via Newswire.")
    for n in range(3):
        DocumentFactory(project=project, title=f"Blog {n}", text=f"Report {n} via blogpost.")
    body = api(annotator).get(url(project), {"q": "newswire", "count": "true"}).json()
    assert body["count"] == 5
    assert [document["title"] for document in body["results"]] == [
        "Wire 4",
        "Wire 3",
        "Wire 2",
        "Wire 1",
        "Wire 0",
    ]


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
    assert {document["extraction_status"] for document in body["results"]} == {
        "queued",
        "running",
    }


def test_it_counts_only_when_asked(api, project, annotator):
    DocumentFactory.create_batch(3, project=project)
    client = api(annotator)
    assert client.get(url(project), {"page_size": 1, "count": "true"}).json()["count"] == 3
    assert "count" not in client.get(url(project)).json()


def test_pages_follow_one_another_newest_first(api, project, annotator):
    documents = DocumentFactory.create_batch(7, project=project)
    client = api(annotator)
    seen, page = [], client.get(url(project), {"page_size": 3, "q": "edition"}).json()
    while True:
        seen += [document["id"] for document in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert seen == [document.pk for document in reversed(documents)]
    # And back again.
    back = client.get(page["previous"]).json()
    assert [document["id"] for document in back["results"]] == seen[3:6]


def test_it_rejects_other_projects(api, project, annotator):
    other = ProjectFactory()
    DocumentFactory(project=other, text="Secret report via newswire.")
    assert api(annotator).get(url(other), {"q": "newswire"}).status_code == 404


def test_a_stranger_gets_404(api, project, stranger):
    DocumentFactory(project=project, text="Report via newswire.")
    assert api(stranger).get(url(project), {"q": "newswire"}).status_code == 404
