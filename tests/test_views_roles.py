"""Every page, for each role and for a stranger: strangers get 404, members without the
role get 403."""

import pytest

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(project):
    return ClaimFactory(document=DocumentFactory(project=project))


def pages(project, claim):
    return {
        "project": f"/projects/{project.slug}/",
        "settings": f"/projects/{project.slug}/settings/",
        "document": f"/documents/{claim.document_id}/",
        "claim": f"/claims/{claim.pk}/",
        "review": f"/projects/{project.slug}/review/",
        "export": f"/projects/{project.slug}/export/",
        "members": f"/projects/{project.slug}/members/",
    }


EXPECTED = {
    # Annotation is blind: exports carry every annotator's verdicts, so annotators get 403.
    "annotator": {
        "project": 200,
        "settings": 403,
        "document": 200,
        "claim": 200,
        "review": 403,
        "export": 403,
        "members": 403,
    },
    "editor": {
        "project": 200,
        "settings": 403,
        "document": 200,
        "claim": 200,
        "review": 200,
        "export": 200,
        "members": 200,
    },
    "admin": {
        "project": 200,
        "settings": 200,
        "document": 200,
        "claim": 200,
        "review": 200,
        "export": 200,
        "members": 200,
    },
    "stranger": {
        page: 404
        for page in (
            "project",
            "settings",
            "document",
            "claim",
            "review",
            "export",
            "members",
        )
    },
}


@pytest.mark.parametrize("role", ["annotator", "editor", "admin", "stranger"])
def test_each_page_answers_by_role(client, request, project, claim, role):
    client.force_login(request.getfixturevalue(role))
    for page, url in pages(project, claim).items():
        assert client.get(url).status_code == EXPECTED[role][page], (role, page)


def test_pages_need_a_login(client, project, claim):
    for url in pages(project, claim).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_project_list_shows_only_my_projects(client, project, annotator):
    from .support.factories import ProjectFactory

    ProjectFactory(name="Hidden desk")
    client.force_login(annotator)
    page = client.get("/").content.decode()
    assert project.name in page
    assert "Hidden desk" not in page


def test_strangers_cannot_add_documents_or_review(client, project, claim, stranger):
    client.force_login(stranger)
    assert (
        client.post(f"/projects/{project.slug}/documents/new/", {"text": "A. B."}).status_code
        == 404
    )
    assert client.post(f"/claims/{claim.pk}/review/", {"action": "approve"}).status_code == 404


def test_annotators_cannot_review(client, claim, annotator):
    client.force_login(annotator)
    assert client.post(f"/claims/{claim.pk}/review/", {"action": "approve"}).status_code == 403
