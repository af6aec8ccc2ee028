import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Claim
from annotations.projects import update_project

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db


def desk_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="desk-data" type="application/json">') + len(
        '<script id="desk-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_it_shows_the_document_with_claims_and_panel(client, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    client.force_login(annotator)
    response = client.get(f"/documents/{claim.document_id}/?claim={claim.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-claim-id="{claim.pk}" data-label="Unstarted"' in html
    assert 'id="annotation-form"' in html
    data = desk_data(response)
    assert data["current"] == claim.pk
    assert [label["key"] for label in data["labels"]][:2] == ["true", "mostly_true"]


def test_it_keeps_the_document_text_exact_inside_the_highlights(client, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    client.force_login(annotator)
    html = client.get(f"/documents/{claim.document_id}/").content.decode()
    start = html.index('id="doc-text"')
    body = html[html.index(">", start) + 1 : html.index("</div>", start)]
    import re

    text = re.sub(r"<[^>]+>", "", body)
    assert text == claim.document.text


def test_stranger_gets_404(client, project, stranger):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    client.force_login(stranger)
    assert client.get(f"/documents/{claim.document_id}/").status_code == 404


def test_it_never_shows_other_annotators_work(client, project, annotator, second_annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    theirs = AnnotationFactory(
        claim=claim, annotator=second_annotator, rationale="Bruno's secret reasoning"
    )
    SourceFactory(annotation=theirs, url="https://bruno.example.org/evidence")
    AnnotationFactory(claim=claim, annotator=annotator, rationale="Alice's own reasoning")
    client.force_login(annotator)
    response = client.get(f"/documents/{claim.document_id}/")
    html = response.content.decode()
    assert "Alice's own reasoning" in html
    assert "secret reasoning" not in html and "bruno.example.org" not in html
    assert list(desk_data(response)["annotations"]) == [str(claim.pk)]
    # Nor the API: her annotation endpoint is hers only; the old page shows only hers.
    assert "secret" not in client.get(f"/api/claims/{claim.pk}/annotation/").content.decode()
    assert "secret" not in client.get(f"/claims/{claim.pk}/").content.decode()


def test_guidelines_are_rendered_without_script(client, project, admin, annotator):
    update_project(
        project,
        admin,
        {"guidelines": "## Rate\n\n*Carefully*.<script>alert(1)</script>[x](javascript:alert(2))"},
    )
    claim = ClaimFactory(document=DocumentFactory(project=project))
    client.force_login(annotator)
    html = client.get(f"/documents/{claim.document_id}/").content.decode()
    assert "<h2>Rate</h2>" in html and "<em>Carefully</em>" in html
    assert "<script>alert(1)" not in html and "javascript:alert" not in html
    assert "Guidelines, version 2" in html


def test_the_number_of_queries_does_not_grow_with_claims(client, project, annotator):
    document = DocumentFactory(project=project, text="Claim sentence number n. " * 400)
    client.force_login(annotator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/documents/{document.pk}/").status_code == 200
        return len(queries)

    def add(n: int) -> None:
        existing = document.claims.count()
        for i in range(existing, existing + n):
            start = i * 25
            claim = Claim.objects.create(
                project=project,
                document=document,
                text=document.text[start : start + 24],
                start=start,
                end=start + 24,
            )
            AnnotationFactory(claim=claim, annotator=annotator)

    add(3)
    few = count()
    add(60)
    assert count() == few


def test_queue_page_sends_her_to_the_next_claim(client, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    client.force_login(annotator)
    response = client.post(f"/projects/{project.slug}/next/")
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{claim.document_id}/?claim={claim.pk}"


def test_queue_page_says_when_the_queue_is_empty(client, project, annotator):
    client.force_login(annotator)
    response = client.post(f"/projects/{project.slug}/next/", follow=True)
    assert "Your queue is empty" in response.content.decode()


def test_queue_page_stranger_gets_404(client, project, stranger):
    client.force_login(stranger)
    assert client.post(f"/projects/{project.slug}/next/").status_code == 404


def test_the_desk_shows_what_was_checked_before(client, project, annotator):
    from annotations.models import ClaimMatch

    earlier = ClaimFactory(
        document=DocumentFactory(project=project, url="https://desk.example.org/a")
    )
    earlier.status, earlier.final_verdict = "approved", "mostly_false"
    earlier.save()
    claim = ClaimFactory(document=DocumentFactory(project=project))
    ClaimMatch.objects.create(claim=claim, matched_claim=earlier, score=0.83)
    client.force_login(annotator)
    response = client.get(f"/documents/{claim.document_id}/?claim={claim.pk}")
    [data] = [c for c in desk_data(response)["claims"] if c["id"] == claim.pk]
    assert data["matches"] == [
        {
            "text": earlier.text,
            "verdict": "Mostly false",
            "score": 0.83,
            "where": project.name,
            "href": f"/documents/{earlier.document_id}/?claim={earlier.pk}",
            "external": False,
            "published": "https://desk.example.org/a",
        }
    ]
    assert 'id="claim-matches"' in response.content.decode()


def test_the_desk_the_api_and_a_stale_edit_show_one_annotation_state(
    client, api, project, annotator
):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    annotation = AnnotationFactory(claim=claim, annotator=annotator, checkworthy=True)
    SourceFactory(annotation=annotation, url="https://archived.example.org/", fetch_status="done")
    SourceFactory(annotation=annotation, url="https://pending.example.org/", fetch_status="failed")
    client.force_login(annotator)
    on_desk = desk_data(client.get(f"/documents/{claim.document_id}/"))["annotations"]
    from_api = api(annotator).get(f"/api/claims/{claim.pk}/annotation/").json()
    stale = api(annotator).put(
        f"/api/claims/{claim.pk}/annotation/", {"verdict": "true", "version": 0}, format="json"
    )
    assert stale.status_code == 409
    assert on_desk[str(claim.pk)] == from_api == stale.json()["current"]
    assert [source["fetch_status"] for source in from_api["sources"]] == ["done", "failed"]
