import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Document

pytestmark = pytest.mark.django_db


def url(project):
    return f"/api/projects/{project.slug}/documents/"


def test_it_creates_a_document_and_extracts_claims(
    api, project, annotator, django_capture_on_commit_callbacks
):
    text = "Unemployment fell to 3.5 percent in May. It was a good month for everyone."
    with django_capture_on_commit_callbacks(execute=True):
        response = api(annotator).post(url(project), {"title": "Jobs", "text": text}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    # Without a broker the task runs in-process, so extraction is already done.
    document = api(annotator).get(f"/api/documents/{body['id']}/").json()
    assert document["extraction_status"] == "done"
    assert document["text"] == text
    claims = api(annotator).get(f"/api/projects/{project.slug}/claims/").json()["results"]
    assert claims
    for claim in claims:
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_it_uploads_a_file(api, project, annotator):
    upload = SimpleUploadedFile("jobs.txt", b"Jobs report\n\nUnemployment fell to 3.5 percent.")
    response = api(annotator).post(url(project), {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "Jobs report"


def test_a_jsonl_file_with_a_bad_line_imports_nothing(api, project, annotator):
    lines = [json.dumps({"title": f"T{n}", "text": f"Text number {n}."}) for n in range(5)]
    lines.insert(2, "{not json")
    upload = SimpleUploadedFile("batch.jsonl", "\n".join(lines).encode())
    response = api(annotator).post(url(project), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["line"] == 3
    assert "line 3" in response.json()["detail"]
    assert Document.objects.count() == 0


def test_it_rejects_empty_text(api, project, annotator):
    response = api(annotator).post(url(project), {"title": "x", "text": "   "}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "text"


def test_it_rejects_a_binary_file(api, project, annotator):
    upload = SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    response = api(annotator).post(url(project), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "binary" in response.json()["detail"]


def test_it_answers_413_over_the_size_limit(api, project, annotator, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", b"Claim. " * 500)
    response = api(annotator).post(url(project), {"file": upload}, format="multipart")
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert Document.objects.count() == 0


def test_it_refuses_the_same_text_twice(api, project, annotator):
    payload = {"title": "Once", "text": "The bridge opened in 1932."}
    assert api(annotator).post(url(project), payload, format="json").status_code == 201
    response = api(annotator).post(url(project), payload, format="json")
    assert response.status_code == 400
    assert "already" in response.json()["detail"]


def test_it_rejects_unknown_fields(api, project, annotator):
    response = api(annotator).post(
        url(project), {"text": "A claim.", "author": "me"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "author"


def test_stranger_gets_404(api, project, stranger, annotator):
    assert api(stranger).post(url(project), {"text": "x y z."}, format="json").status_code == 404
    document = api(annotator).post(url(project), {"text": "Water boils at 100 C."}, format="json")
    assert api(stranger).get(f"/api/documents/{document.json()['id']}/").status_code == 404
