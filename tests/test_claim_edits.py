import pytest

from annotations.models import AuditEvent, Claim

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory, span_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(project):
    return DocumentFactory(project=project)


def test_it_adds_a_manual_claim_at_its_exact_span(api, document, annotator):
    start, end = span_of(document, "the wall would cost 14.5 million euros")
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": start, "end": end, "text": document.text[start:end]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.origin == "manual"
    assert document.text[claim.start : claim.end] == claim.text
    assert AuditEvent.objects.filter(
        object_type="claim", object_id=claim.pk, action="create"
    ).exists()


def test_a_claim_added_inside_a_quote_gets_the_quote_s_speaker(api, project, annotator):
    document = DocumentFactory(
        project=project,
        text=(
            "The council voted 7 to 2 on Tuesday to build a flood wall.\n\n"
            '"The wall will cost 14.5 million euros. It will protect the harbour for fifty years," '
            "Mayor Ana Ribeiro said.\n\nIt was a sunny day."
        ),
    )
    start, end = span_of(document, "It will protect the harbour")
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": start, "end": end, "text": document.text[start:end]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["speaker"] == "Ana Ribeiro"
    assert Claim.objects.get(pk=response.json()["id"]).speaker == "Ana Ribeiro"


def test_a_claim_in_reported_speech_gets_its_speaker(api, document, annotator):
    start, end = span_of(document, "the wall would cost 14.5 million euros")
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": start, "end": end, "text": document.text[start:end]},
        format="json",
    )
    assert response.json()["speaker"] == "the mayor"


def test_a_speaker_given_with_the_claim_is_kept(api, document, annotator):
    start, end = span_of(document, "the wall would cost 14.5 million euros")
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": start, "end": end, "text": document.text[start:end], "speaker": "Ana Ribeiro"},
        format="json",
    )
    assert response.json()["speaker"] == "Ana Ribeiro"


def test_the_author_s_own_words_get_no_speaker(api, document, annotator):
    start, end = span_of(document, "It was a sunny day.")
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": start, "end": end, "text": document.text[start:end]},
        format="json",
    )
    assert response.json()["speaker"] == ""


def test_it_refuses_text_that_is_not_the_span(api, document, annotator):
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": 0, "end": 10, "text": "Something else"},
        format="json",
    )
    assert response.status_code == 400
    assert "exactly the document's text" in response.json()["detail"]
    assert not Claim.objects.exists()


def test_it_refuses_a_span_outside_the_document(api, document, annotator):
    n = len(document.text)
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": n - 2, "end": n + 5, "text": document.text[n - 2 :]},
        format="json",
    )
    assert response.status_code == 400
    assert "inside the document" in response.json()["detail"]


def test_it_refuses_a_second_claim_with_the_same_span(api, document, annotator):
    claim = ClaimFactory(document=document)
    response = api(annotator).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": claim.start, "end": claim.end, "text": claim.text},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "start"
    assert "already a claim with exactly this span" in response.json()["detail"]


def test_add_claim_stranger_gets_404(api, document, stranger):
    response = api(stranger).post(
        f"/api/documents/{document.pk}/claims/",
        {"start": 0, "end": 3, "text": "The"},
        format="json",
    )
    assert response.status_code == 404


def test_it_adjusts_a_span_and_the_wording_follows(api, document, annotator):
    claim = ClaimFactory(document=document)
    start, end = span_of(document, "The council voted 7 to 2")
    response = api(annotator).patch(
        f"/api/claims/{claim.pk}/", {"start": start, "end": end, "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["text"] == "The council voted 7 to 2"


def test_it_rejects_a_claim_as_not_checkworthy_with_a_reason(api, document, annotator):
    claim = ClaimFactory(document=document)
    response = api(annotator).post(
        f"/api/claims/{claim.pk}/reject/", {"reason": "An opinion", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.rejection_reason == "An opinion"
    event = AuditEvent.objects.get(object_type="claim", object_id=claim.pk, action="reject")
    assert event.after["status"] == "rejected"
    # It leaves every queue.
    url = f"/api/projects/{document.project.slug}/queue/next/"
    assert api(annotator).post(url).status_code == 204


def test_rejecting_needs_a_reason(api, document, annotator):
    claim = ClaimFactory(document=document)
    response = api(annotator).post(
        f"/api/claims/{claim.pk}/reject/", {"reason": "  ", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "reason"


def test_rejecting_a_stale_version_gets_409(api, document, annotator):
    claim = ClaimFactory(document=document, version=3)
    response = api(annotator).post(
        f"/api/claims/{claim.pk}/reject/", {"reason": "Opinion", "version": 2}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 3


def test_reject_stranger_gets_404(api, document, stranger):
    claim = ClaimFactory(document=document)
    response = api(stranger).post(
        f"/api/claims/{claim.pk}/reject/", {"reason": "x", "version": 1}, format="json"
    )
    assert response.status_code == 404


def test_it_merges_a_duplicate(api, document, annotator, second_annotator):
    keep = ClaimFactory(document=document)
    start, end = span_of(document, "The council voted 7 to 2 on Tuesday")
    duplicate = ClaimFactory(document=document, text=document.text[start:end], start=start, end=end)
    moved = AnnotationFactory(claim=duplicate, annotator=second_annotator)
    AnnotationFactory(claim=keep, annotator=annotator)
    stays = AnnotationFactory(claim=duplicate, annotator=annotator)
    response = api(annotator).post(
        f"/api/claims/{keep.pk}/merge/", {"duplicate": duplicate.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    duplicate.refresh_from_db()
    assert duplicate.status == "rejected" and duplicate.merged_into_id == keep.pk
    assert duplicate.rejection_reason == f"Duplicate of claim {keep.pk}."
    moved.refresh_from_db()
    stays.refresh_from_db()
    assert moved.claim_id == keep.pk and stays.claim_id == duplicate.pk
    assert AuditEvent.objects.filter(object_id=keep.pk, action="merge").exists()
    assert AuditEvent.objects.filter(object_id=duplicate.pk, action="merge").exists()


def test_it_will_not_merge_a_claim_into_itself(api, document, annotator):
    claim = ClaimFactory(document=document)
    response = api(annotator).post(
        f"/api/claims/{claim.pk}/merge/", {"duplicate": claim.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "duplicate"
    assert "cannot be merged into itself" in response.json()["detail"]


def test_merge_rejects_other_projects(api, document, annotator):
    keep = ClaimFactory(document=document)
    elsewhere = ClaimFactory()
    response = api(annotator).post(
        f"/api/claims/{keep.pk}/merge/", {"duplicate": elsewhere.pk}, format="json"
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == "unstarted"


def test_merge_stranger_gets_404(api, document, stranger):
    keep = ClaimFactory(document=document)
    response = api(stranger).post(
        f"/api/claims/{keep.pk}/merge/", {"duplicate": keep.pk}, format="json"
    )
    assert response.status_code == 404
