import pytest
from django.db import IntegrityError, transaction

from annotations.models import Claim, Document

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def test_a_claim_span_cannot_be_empty(project):
    document = DocumentFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(project=project, document=document, text="", start=5, end=5)


def test_the_same_text_is_unique_within_a_project(project):
    DocumentFactory(project=project, text="Same.")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(project=project, text="Same.")
    DocumentFactory(text="Same.")  # another project may hold it


def test_a_document_needs_text(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(project=project, title="Empty", text="")


def test_one_annotation_per_claim_and_annotator(project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    AnnotationFactory(claim=claim, annotator=annotator)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnotationFactory(claim=claim, annotator=annotator)


def test_claim_factory_spans_slice_the_document(project):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    assert claim.span_matches_document()
