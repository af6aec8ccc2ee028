"""One rule for every web address the workbench stores and links to: http and https only,
whether it comes from a page, the API, an uploaded file, a dataset import or a source.
Anything else is refused naming the field, and the line of a file."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Document

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db

HOSTILE = ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>"]


def upload(api, user, project, name: str, content: str):
    return api(user).post(
        f"/api/projects/{project.slug}/documents/",
        {"file": SimpleUploadedFile(name, content.encode())},
        format="multipart",
    )


@pytest.mark.parametrize("address", HOSTILE)
def test_a_jsonl_upload_with_a_script_address_is_refused_with_its_line(
    api, project, annotator, address
):
    lines = [
        json.dumps(
            {"title": "Fine", "text": "The council met on Tuesday.", "url": "https://a.example/"}
        ),
        json.dumps({"title": "Bad", "text": "The mayor resigned in May.", "url": address}),
    ]
    response = upload(api, annotator, project, "batch.jsonl", "\n".join(lines))
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "url" and body["line"] == 2
    assert "batch.jsonl, line 2" in body["detail"]
    assert Document.objects.count() == 0


@pytest.mark.parametrize("address", HOSTILE)
def test_a_csv_upload_with_a_script_address_is_refused_with_its_line(
    api, project, annotator, address
):
    content = (
        f'title,text,url\nFine,The council met on Tuesday.,\nBad,The mayor resigned.,"{address}"\n'
    )
    response = upload(api, annotator, project, "batch.csv", content)
    assert response.status_code == 400
    assert response.json()["field"] == "url" and response.json()["line"] == 3
    assert Document.objects.count() == 0


def test_the_upload_form_says_which_line_holds_a_script_address(client, project, annotator):
    client.force_login(annotator)
    content = 'title,text,url\nBad,The mayor resigned.,"javascript:alert(1)"\n'
    response = client.post(
        f"/projects/{project.slug}/documents/new/",
        {"file": SimpleUploadedFile("batch.csv", content.encode())},
    )
    assert response.status_code == 400
    assert "batch.csv, line 2: url:" in response.content.decode()
    assert Document.objects.count() == 0


@pytest.mark.parametrize("address", [*HOSTILE, "ftp://files.example.org/a.txt"])
def test_the_api_and_the_paste_form_refuse_other_schemes(api, client, project, annotator, address):
    payload = {"title": "T", "text": "The mayor resigned in May.", "url": address}
    response = api(annotator).post(
        f"/api/projects/{project.slug}/documents/", payload, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "url"
    client.force_login(annotator)
    response = client.post(f"/projects/{project.slug}/documents/new/", payload)
    assert response.status_code == 400
    assert response.context["form"].errors["url"]
    assert Document.objects.count() == 0


def test_a_dataset_import_refuses_a_script_address_with_its_line(api, project, editor):
    content = "document_title,document_url,text\nMinutes,javascript:alert(1),The council met.\n"
    response = api(editor).post(
        f"/api/projects/{project.slug}/imports/",
        {"file": SimpleUploadedFile("claims.csv", content.encode()), "format": "csv"},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "document_url"
    assert body["errors"][0]["line"] == 2


def test_a_source_with_a_script_address_is_refused_naming_it(api, project, annotator):
    claim = ClaimFactory(document__project=project)
    sources = [
        {"url": "https://minutes.example.org/1", "stance": "supports"},
        {"url": "javascript:alert(1)", "stance": "refutes"},
    ]
    response = api(annotator).put(
        f"/api/claims/{claim.pk}/annotation/", {"sources": sources}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "sources[1].url"
    assert "detail" in response.json()


def test_an_organisation_address_must_be_a_web_address(api, project, admin):
    organisation = project.organisation
    organisation.admins.add(admin)
    response = api(admin).patch(
        f"/api/organisations/{organisation.slug}/", {"url": "javascript:alert(1)"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "url"
    before = organisation.url
    organisation.refresh_from_db()
    assert organisation.url == before


def test_an_address_stored_before_the_rule_is_never_a_link(client, project, annotator):
    document = DocumentFactory(project=project, url="javascript:alert(1)")
    ClaimFactory(document=document)
    client.force_login(annotator)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'href="javascript:' not in page
