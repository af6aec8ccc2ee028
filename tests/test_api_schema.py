import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_lists_the_public_contract(client, annotator):
    client.force_login(annotator)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/auth/token/",
        "/api/projects/",
        "/api/projects/{slug}/",
        "/api/projects/{slug}/documents/",
        "/api/projects/{slug}/claims/",
        "/api/projects/{slug}/export/",
        "/api/documents/{id}/",
        "/api/claims/{id}/",
        "/api/claims/{id}/annotation/",
        "/api/claims/{id}/review/",
    ):
        assert path in schema["paths"], path


def test_the_docs_load_nothing_from_other_hosts(client, annotator):
    client.force_login(annotator)
    page = client.get("/api/docs/").content.decode()
    assert "swagger" in page.lower()
    external = re.findall(r'(?:src|href)=["\'](https?://[^"\']+)', page)
    assert external == []


def test_the_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").stat().st_size > 1000
