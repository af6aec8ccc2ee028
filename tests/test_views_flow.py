"""The pages a fact-checker and an editor go through, without a browser."""

import pytest

from annotations.models import Annotation, Claim, Document

pytestmark = pytest.mark.django_db


def test_pasting_an_article_shows_its_claims_highlighted(
    client, project, annotator, django_capture_on_commit_callbacks
):
    client.force_login(annotator)
    text = "Exports grew by 12% last year. The minister was pleased."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/{project.slug}/documents/new/", {"title": "Trade", "text": text}
        )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    page = client.get(response["Location"]).content.decode()
    claim = Claim.objects.filter(document=document).first()
    assert claim is not None
    assert f'data-claim-id="{claim.pk}"' in page


def test_an_empty_paste_gets_a_message(client, project, annotator):
    client.force_login(annotator)
    response = client.post(f"/projects/{project.slug}/documents/new/", {"text": "  "}, follow=True)
    assert "Paste a text or choose a file." in response.content.decode()
    assert not Document.objects.exists()


def test_an_upload_over_the_limit_gets_413(client, project, annotator, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(annotator)
    upload = SimpleUploadedFile("big.txt", b"x" * 500)
    response = client.post(f"/projects/{project.slug}/documents/new/", {"file": upload})
    assert response.status_code == 413
    # Said once, beside the file field: no flash message repeating it.
    assert response.content.decode().count("big.txt: the file is 500 bytes; the limit is") == 1


def test_annotating_and_reviewing_through_the_pages(client, project, annotator, editor):
    from .support.factories import ClaimFactory, DocumentFactory

    claim = ClaimFactory(document=DocumentFactory(project=project))
    client.force_login(annotator)
    response = client.post(
        f"/claims/{claim.pk}/",
        {
            "stance": "refuted",
            "verdict": "false",
            "rationale": "The minutes say 5 to 4.",
            "checkworthy": "true",
            "version": "0",
            "sources-TOTAL_FORMS": "2",
            "sources-INITIAL_FORMS": "0",
            "sources-0-url": "https://council.example.org/minutes",
            "sources-0-stance": "refutes",
            "sources-0-quote": "Five votes to four",
            "sources-1-url": "https://news.example.org/vote",
            "sources-1-stance": "neutral",
            "submit": "",
        },
    )
    assert response.status_code == 302
    annotation = Annotation.objects.get()
    assert annotation.state == "submitted"
    assert annotation.sources.count() == 2
    assert annotation.checkworthy is True

    client.force_login(editor)
    page = client.get(f"/projects/{project.slug}/review/").content.decode()
    assert "The minutes say 5 to 4." in page
    response = client.post(
        f"/claims/{claim.pk}/review/",
        {"action": "approve", "annotation": annotation.pk, "version": 1},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.final_verdict) == ("approved", "false")


def test_a_stale_form_keeps_what_was_typed(client, project, annotator):
    from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

    claim = ClaimFactory(document=DocumentFactory(project=project))
    AnnotationFactory(claim=claim, annotator=annotator, version=3)
    client.force_login(annotator)
    response = client.post(
        f"/claims/{claim.pk}/",
        {
            "stance": "supported",
            "verdict": "true",
            "rationale": "my unsaved words",
            "version": "2",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
            "draft": "",
        },
    )
    assert response.status_code == 409
    assert "my unsaved words" in response.content.decode()
