import pytest

from annotations.models import AuditEvent

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def claims_url(project, query=""):
    return f"/api/projects/{project.slug}/claims/{query}"


def test_it_lists_claims_with_their_offsets(api, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    body = api(annotator).get(claims_url(project)).json()
    assert [c["id"] for c in body["results"]] == [claim.pk]
    item = body["results"][0]
    for field in (
        "id",
        "document",
        "text",
        "start",
        "end",
        "speaker",
        "score",
        "claim_type",
        "status",
        "version",
    ):
        assert field in item or (field == "claim_type" and "claim_types" in item)


def test_it_filters_by_status_document_score_and_text(api, project, annotator):
    document = DocumentFactory(project=project)
    first = ClaimFactory(document=document, score=0.9)
    other_document = DocumentFactory(project=project)
    second = ClaimFactory(
        document=other_document,
        text="The mayor said the wall would cost 14.5 million euros.",
        score=0.3,
    )
    second.status = "approved"
    second.save()

    def ids(query):
        return [c["id"] for c in api(annotator).get(claims_url(project, query)).json()["results"]]

    assert ids("?status=approved") == [second.pk]
    assert ids(f"?document={document.pk}") == [first.pk]
    assert ids("?min_score=0.5") == [first.pk]
    assert ids("?q=million") == [second.pk]


def test_it_paginates_with_a_cursor(api, project, annotator):
    document = DocumentFactory(project=project)
    sentences = document.text.split(". ")
    for sentence in sentences[:3]:
        ClaimFactory(
            document=document,
            text=sentence.rstrip(".") + ("." if not sentence.endswith(")") else ""),
        )
    first = api(annotator).get(claims_url(project, "?page_size=2")).json()
    assert len(first["results"]) == 2
    assert "cursor=" in first["next"]
    second = api(annotator).get(first["next"]).json()
    assert len(second["results"]) == 1


def test_it_edits_a_span_and_keeps_text_equal_to_the_slice(api, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    response = api(annotator).patch(
        f"/api/claims/{claim.pk}/",
        {"start": claim.start + 4, "end": claim.end, "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2
    assert claim.document.text[body["start"] : body["end"]] == body["text"]
    assert AuditEvent.objects.filter(
        object_type="claim", object_id=claim.pk, action="update"
    ).exists()


def test_it_refuses_text_that_is_not_the_slice(api, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    response = api(annotator).patch(
        f"/api/claims/{claim.pk}/", {"text": "Something else.", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "exactly" in response.json()["detail"]


def test_a_stale_version_gets_409_with_the_current_state(api, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    api(annotator).patch(
        f"/api/claims/{claim.pk}/", {"speaker": "Mayor", "version": 1}, format="json"
    )
    response = api(annotator).patch(
        f"/api/claims/{claim.pk}/", {"speaker": "Council", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert response.json()["current"]["speaker"] == "Mayor"


def test_stranger_gets_404(api, project, stranger):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    assert api(stranger).get(claims_url(project)).status_code == 404
    assert api(stranger).get(f"/api/claims/{claim.pk}/").status_code == 404
    response = api(stranger).patch(
        f"/api/claims/{claim.pk}/", {"speaker": "x", "version": 1}, format="json"
    )
    assert response.status_code == 404


def test_reextraction_keeps_claims_people_touched(project, annotator):
    from annotations.claims import run_extraction

    document = DocumentFactory(project=project, text="Prices rose 5% in May. Wages rose 2% in May.")
    run_extraction(document)
    touched, untouched = list(document.claims.order_by("start"))
    AnnotationFactory(claim=touched, annotator=annotator)
    run_extraction(document)
    claims = list(document.claims.order_by("start"))
    assert touched in claims
    assert len(claims) == 2
    assert untouched not in claims  # replaced by a fresh extraction of the same sentence
