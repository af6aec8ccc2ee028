"""Bad input is answered with a 4xx and a message, never a 500: malformed filters, NUL
characters, out-of-range settings, deeply nested JSON, oversized bodies and import lines
the database could not store. API errors have the documented `{detail, field?, line?}`
shape."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Claim, Document, Project

from .support.dataset_project import build_small_project
from .support.factories import DocumentFactory, MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def assert_refused(response, field: str | None = None, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if field is not None:
        assert body["field"] == field
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"checkworthiness_threshold": 5}, "checkworthiness_threshold"),
        ({"checkworthiness_threshold": 3e204}, "checkworthiness_threshold"),
        ({"annotations_per_claim": 32766}, "annotations_per_claim"),
        ({"annotations_per_claim": 0}, "annotations_per_claim"),
        ({"match_threshold": -1}, "match_threshold"),
        ({"match_threshold": 1.5}, "match_threshold"),
    ],
)
def test_out_of_range_settings_are_refused(api, project, admin, changes, field):
    before = Project.objects.values().get(pk=project.pk)
    response = api(admin).patch(f"/api/projects/{project.slug}/", changes, format="json")
    assert_refused(response, field)
    assert Project.objects.values().get(pk=project.pk) == before
    created = api(admin).post("/api/projects/", {"name": "New", **changes}, format="json")
    assert_refused(created, field)
    assert not Project.objects.filter(name="New").exists()


def test_the_domain_function_refuses_out_of_range_settings_whoever_calls_it(project, admin):
    from annotations.errors import InvalidInput
    from annotations.projects import create_project, update_project

    with pytest.raises(InvalidInput) as refused:
        update_project(project, admin, {"match_threshold": -1})
    assert refused.value.field == "match_threshold"
    with pytest.raises(InvalidInput):
        create_project(admin, name="x", checkworthiness_threshold=float("nan"))


def test_the_settings_page_refuses_out_of_range_settings(client, project, admin):
    client.force_login(admin)
    page = client.get(f"/projects/{project.slug}/settings/")
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(rating_scale=project.rating_scale_id, match_threshold="-1")
    response = client.post(f"/projects/{project.slug}/settings/", data)
    assert response.status_code in (200, 400)
    assert "The threshold must be between 0 and 1." in response.content.decode()


def test_json_nested_100000_levels_is_refused(api, project, admin):
    body = "[" * 100_000 + "]" * 100_000
    response = api(admin).generic(
        "PATCH", f"/api/projects/{project.slug}/", body, content_type="application/json"
    )
    assert_refused(response)
    assert "nested" in response.json()["detail"]


def test_json_nested_moderately_is_still_read(api, project, admin):
    vocabulary = {"claim_types": {"quote": "Quote"}}
    response = api(admin).patch(
        f"/api/projects/{project.slug}/", {"averitec_vocabulary": vocabulary}, format="json"
    )
    assert response.status_code in (200, 400)


def body_of(megabytes: int) -> str:
    return json.dumps({"title": "Big", "text": "Claim. " * (megabytes * 1024 * 1024 // 7)})


def test_a_json_body_over_the_limit_is_413_with_a_message(api, project, annotator, settings):
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    response = api(annotator).generic(
        "POST",
        f"/api/projects/{project.slug}/documents/",
        body_of(11),
        content_type="application/json",
    )
    body = assert_refused(response, status=413)
    assert "10,485,760" in body["detail"]
    assert Document.objects.count() == 0


def test_a_body_far_over_the_limit_is_413_not_a_bare_400(api, project, annotator):
    response = api(annotator).generic(
        "POST",
        f"/api/projects/{project.slug}/documents/",
        body_of(12),
        content_type="application/json",
    )
    assert_refused(response, status=413)


def test_a_page_post_over_the_limit_is_413_with_a_page(client, project, annotator):
    client.force_login(annotator)
    response = client.post(
        f"/projects/{project.slug}/documents/new/",
        {"text": "Claim. " * (12 * 1024 * 1024 // 7)},
    )
    assert response.status_code == 413
    assert "limit" in response.content.decode()


@pytest.fixture
def backup(api, project, annotator, second_annotator, editor) -> list[dict]:
    """The native export of a small project, record by record, and an empty project of
    the editor's to restore it into."""
    build_small_project(project, annotator, second_annotator, editor)
    response = api(editor).get(f"/api/projects/{project.slug}/export/", {"format": "jsonl"})
    text = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in text.rstrip("\n").split("\n")]


def restore(api, editor, records: list[dict]):
    target = ProjectFactory(slug="restored")
    MembershipFactory(project=target, user=editor, role="editor")
    content = "\n".join(json.dumps(record) for record in records).encode()
    return target, api(editor).post(
        f"/api/projects/{target.slug}/imports/",
        {"file": SimpleUploadedFile("backup.jsonl", content), "format": "jsonl"},
        format="multipart",
    )


def test_an_import_line_with_a_5000_character_annotator_is_refused_with_its_line(
    api, editor, backup
):
    number, claim = next((n, r) for n, r in enumerate(backup, 1) if r.get("annotations"))
    name = claim["annotations"][0]["annotator"]
    backup[number - 1] = json.loads(json.dumps(claim).replace(f'"{name}"', f'"{"a" * 5000}"'))
    target, response = restore(api, editor, backup)
    body = assert_refused(response)
    error = body["errors"][0]
    assert error["line"] == number and error["field"] == "annotations[0].annotator"
    assert not Claim.objects.filter(project=target).exists()


def test_an_import_line_with_a_nul_in_its_title_is_refused_with_its_line(api, editor, backup):
    number, document = next((n, r) for n, r in enumerate(backup, 1) if r["type"] == "document")
    document["title"] = "Min\x00utes"
    target, response = restore(api, editor, backup)
    body = assert_refused(response)
    assert body["errors"][0]["line"] == number and body["errors"][0]["field"] == "title"
    assert not Claim.objects.filter(project=target).exists()


def test_a_document_upload_with_a_nul_in_its_title_is_refused_with_its_line(
    api, project, annotator
):
    content = json.dumps({"title": "Min\x00utes", "text": "The council met on Tuesday."})
    response = api(annotator).post(
        f"/api/projects/{project.slug}/documents/",
        {"file": SimpleUploadedFile("batch.jsonl", content.encode())},
        format="multipart",
    )
    body = assert_refused(response, "title")
    assert body["line"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/projects/{slug}/?q=flood%00wall",
        "/projects/{slug}/?min_score=abc",
        "/projects/{slug}/?document=abc",
        "/projects/{slug}/?speaker=%00",
        "/projects/{slug}/review/?page=abc",
        "/projects/{slug}/review/?page=%00",
        "/projects/{slug}/dashboard/?since=abc",
        "/projects/{slug}/dashboard/?since=%00",
        "/projects/{slug}/audit-log/?format=%00",
        "/projects/{slug}/assignments/?page=%00",
        "/documents/{document}/?claim=%00",
        "/documents/{document}/?claim=abc",
    ],
)
def test_pages_answer_bad_parameters_with_a_message(client, project, admin, path):
    document = DocumentFactory(project=project)
    client.force_login(admin)
    response = client.get(path.format(slug=project.slug, document=document.pk))
    assert response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/{slug}/jobs/?documents=%00",
        "/api/projects/{slug}/agreement/?since=%00",
        "/api/projects/{slug}/audit-log/?format=%00",
        "/api/projects/{slug}/export/?format=csv&annotator=%00",
        "/api/projects/{slug}/export/?format=csv&document=abc",
        "/api/projects/{slug}/members/?q=%00",
    ],
)
def test_the_api_answers_bad_parameters_with_a_json_message(api, project, admin, path):
    response = api(admin).get(path.format(slug=project.slug))
    assert response.status_code < 500
    if response.status_code >= 400:
        assert "detail" in response.json()


def test_a_database_constraint_the_checks_missed_is_a_400_naming_its_field(project):
    from django.db import IntegrityError, transaction

    from annotations.api.errors import handle_exception

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Project.objects.filter(pk=project.pk).update(annotations_per_claim=32766)
    response = handle_exception(refused.value, {})
    assert response.status_code == 400
    assert response.data["field"] == "annotations_per_claim"
    assert response.data["detail"]


def test_the_database_holds_the_match_threshold_range_too(project):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(match_threshold=-1)


def test_a_page_meeting_a_database_constraint_shows_a_message(rf, project, admin):
    from django.db import IntegrityError, transaction

    from annotations.bad_requests import BadRequestMiddleware

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Project.objects.filter(pk=project.pk).update(checkworthiness_threshold=3e204)
    request = rf.post(f"/projects/{project.slug}/settings/")
    request.user = admin
    response = BadRequestMiddleware(lambda request: None).process_exception(request, refused.value)
    assert response.status_code == 400
    assert "checkworthiness_threshold" in response.content.decode()
