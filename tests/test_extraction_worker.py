"""The extraction task: failures recorded with their reason, transient errors retried, people's work kept
through re-extraction, the scorer fallback said on the pages, and a run through a real worker process."""

from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from annotations import claims as claims_module
from annotations import jobs
from annotations.claims import run_extraction, update_claim
from annotations.extraction import scoring
from annotations.models import Claim, ClaimMatch, ClaimStatus, Document, JobKind, Project

from .support.celery_worker import wait_for_extraction
from .support.factories import ClaimFactory, DocumentFactory
from .support.jobs import run_queued_jobs

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "Unemployment rose to 10 percent under his administration. Thank you very much, Jim. "
    "We built 500 new factories last year. Taxes on the middle class went up by 2,000 dollars. "
    "Crime fell by 20 percent in the city since 2015. The deficit tripled to 1.4 trillion dollars."
)


@pytest.fixture
def document(project):
    return DocumentFactory(project=project, text=TEXT, extraction_status="queued")


def extract(document: Document) -> None:
    """(Re-)extract the document's claims as a worker would, then reload it."""
    jobs.rerun(document.extraction_job)
    run_queued_jobs(JobKind.EXTRACT)
    document.refresh_from_db()
    document.extraction_job.refresh_from_db()


def fail_with(monkeypatch, *errors):
    """Make extraction raise the given errors in turn, then work normally."""
    real = claims_module.extraction.extract_candidates
    remaining = list(errors)

    def flaky(*args, **kwargs):
        if remaining:
            raise remaining.pop(0)
        return real(*args, **kwargs)

    monkeypatch.setattr(claims_module.extraction, "extract_candidates", flaky)


@pytest.mark.django_db
def test_it_records_a_failure_with_its_reason(document, monkeypatch):
    fail_with(monkeypatch, ValueError("the text could not be split"))
    extract(document)
    assert document.extraction_job.state == "failed"
    assert document.extraction_job.error == "ValueError: the text could not be split"


@pytest.mark.django_db
def test_it_records_the_time_limit(document, monkeypatch):
    fail_with(monkeypatch, SoftTimeLimitExceeded())
    extract(document)
    assert (document.extraction_job.state, document.extraction_job.error) == (
        "failed",
        "Claim extraction took longer than the time limit.",
    )


@pytest.mark.django_db
def test_it_retries_a_database_that_went_away(document, monkeypatch):
    fail_with(monkeypatch, OperationalError("server closed the connection"))
    extract(document)
    assert document.extraction_job.state == "done"
    assert document.claims.exists()


@pytest.mark.django_db
def test_it_gives_up_after_the_retries_and_says_why(document, monkeypatch, settings):
    settings.JOB_DATABASE_WAIT_SECONDS = 0  # each attempt gives up at once
    fail_with(monkeypatch, *[OperationalError("server closed the connection")] * 4)
    extract(document)
    assert document.extraction_job.state == "failed"
    assert document.extraction_job.attempts == 3
    assert "database was unavailable" in document.extraction_job.error
    assert "Gave up after 3 attempts" in document.extraction_job.error


@pytest.mark.django_db
def test_re_extraction_with_a_new_model_keeps_every_claim_a_person_touched(
    api, project, document, annotator, editor, monkeypatch
):
    extract(document)
    first = list(document.claims.order_by("start"))
    assert len(first) >= 5
    annotated, edited, reviewed = first[0], first[1], first[2]
    response = api(annotator).put(
        f"/api/claims/{annotated.pk}/annotation/",
        {"stance": "refuted", "verdict": "false", "version": 0},
        format="json",
    )
    assert response.status_code == 200
    update_claim(edited, editor, {"speaker": "Moderator"}, edited.version)
    Claim.objects.filter(pk=reviewed.pk).update(status=ClaimStatus.APPROVED, final_verdict="true")
    manual = Claim.objects.create(
        project=project,
        document=document,
        text="Thank you very much, Jim.",
        start=TEXT.index("Thank you"),
        end=TEXT.index("Thank you") + len("Thank you very much, Jim."),
        origin=Claim.Origin.MANUAL,
    )
    untouched = {c.pk for c in first[3:]}

    # A retrained model: the version extract_candidates stamps on what it scores changes.
    monkeypatch.setattr(
        claims_module.extraction,
        "scorer_version",
        lambda scorer="light": "light-2099.01.01-newmodel",
    )
    extract(document)

    document.refresh_from_db()
    assert document.extractor_version == "light-2099.01.01-newmodel"
    kept = {c.pk: c for c in document.claims.all()}
    for claim in (annotated, edited, reviewed, manual):
        assert claim.pk in kept
    assert kept[edited.pk].speaker == "Moderator"
    assert kept[reviewed.pk].final_verdict == "true"
    assert kept[annotated.pk].scorer_version == first[0].scorer_version
    assert not untouched & set(kept)
    new = [c for c in kept.values() if c.scorer_version == "light-2099.01.01-newmodel"]
    assert new, "the untouched claims are re-extracted with the new model"
    spans = [(c.start, c.end) for c in kept.values()]
    assert len(spans) == len(set(spans)), "no claim is stored twice"


@pytest.mark.django_db
def test_the_pages_say_when_the_transformer_is_missing(
    client, project, annotator, document, monkeypatch
):
    monkeypatch.setattr(scoring, "transformer_installed", lambda *a: False)
    Project.objects.filter(pk=project.pk).update(scorer="transformer")
    extract(document)
    client.force_login(annotator)
    document.refresh_from_db()
    assert document.extractor_version.startswith("light-")
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Transformer model not installed; scored with light" in page
    page = client.get(f"/projects/{project.slug}/").content.decode()
    assert "Transformer model not installed" in page


@pytest.mark.django_db
def test_the_pages_say_nothing_when_light_was_asked_for(client, project, annotator, document):
    extract(document)
    client.force_login(annotator)
    assert "not installed" not in client.get(f"/documents/{document.pk}/").content.decode()
    assert "not installed" not in client.get(f"/projects/{project.slug}/").content.decode()


@pytest.mark.postgres
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_extracts_and_links_checked_claims(worker, api, project, annotator):
    """Ingest through the API; a separate Celery worker process does the work."""
    earlier_doc = DocumentFactory(
        project=project, text="Old. Taxes on the middle class went up by 2,000 dollars."
    )
    Claim.objects.create(
        project=project,
        document=earlier_doc,
        text="Taxes on the middle class went up by 2,000 dollars.",
        start=5,
        end=len(earlier_doc.text),
        status=ClaimStatus.APPROVED,
        final_verdict="false",
    )
    response = api(annotator).post(
        f"/api/projects/{project.slug}/documents/", {"title": "Live", "text": TEXT}, format="json"
    )
    assert response.status_code == 201, response.json()
    document = wait_for_extraction(response.json()["id"], worker)
    assert document.extraction_job.state == "done", document.extraction_job.error
    taxes = document.claims.get(text__startswith="Taxes")
    assert taxes.matches.get().matched_claim.final_verdict == "false"
    assert all(TEXT[c.start : c.end] == c.text for c in document.claims.all())


@pytest.mark.django_db
def test_a_document_too_long_for_the_transformer_is_scored_with_light_and_says_so(
    client, project, annotator, document, settings
):
    settings.FACTCHECK_TRANSFORMER_MAX_CHARS = 10
    Project.objects.filter(pk=project.pk).update(scorer="transformer")
    extract(document)
    assert document.extraction_job.state == "done"
    assert document.extractor_version.startswith("light-")
    client.force_login(annotator)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Document too long for the transformer within the time limit" in page


@pytest.mark.django_db
def test_new_projects_take_the_deployment_s_default_scorer(settings) -> None:
    from annotations.models import RatingScale

    settings.FACTCHECK_DEFAULT_SCORER = "transformer"
    project = Project.objects.create(
        slug="default-scorer", name="D", rating_scale=RatingScale.objects.get(key="six-point")
    )
    assert project.scorer == "transformer"


MANY_TEXTS = [
    TEXT,
    "LEHRER: Good evening. Taxes went up by 3 percent last year.\n"
    "OBAMA: That is not true. We cut taxes for 95 percent of working families.\n"
    "ROMNEY: Unemployment rose to 10 percent under his administration.",
    "“We built 500 new factories,” the governor said on Monday. Critics said the figure "
    "was closer to 50. Crime fell by 20 percent in the city since 2015, police said.",
    "Thank you all for coming. Good night.",
    "The deficit tripled to 1.4 trillion dollars. Unemployment rose to 10 percent in 2009.",
]


def stored_claims(documents: list[Document]) -> list[tuple]:
    rows = Claim.objects.filter(document__in=documents).values_list(
        "document__title",
        "start",
        "end",
        "text",
        "score",
        "speaker",
        "claim_types",
        "scorer_version",
        "status",
        "in_queue",
    )
    return sorted(rows)


def stored_matches(documents: list[Document]) -> list[tuple]:
    rows = ClaimMatch.objects.filter(claim__document__in=documents).values_list(
        "claim__document__title", "claim__start", "matched_claim_id", "score"
    )
    return sorted(rows)


@pytest.mark.django_db
def test_documents_extracted_together_get_the_claims_each_would_get_alone(project):
    """Extraction runs a claimed batch of documents together (sentences scored in one call,
    claims stored in one transaction): the claims, offsets, scores, speakers, types and
    "checked before?" matches are those of one document at a time."""
    project.checkworthiness_threshold = 0.2
    project.save()
    checked = ClaimFactory(
        project=project,
        document=DocumentFactory(project=project, text="Unemployment rose to 10 percent."),
        text="Unemployment rose to 10 percent.",
        status=ClaimStatus.APPROVED,
        final_verdict="false",
    )
    documents = [
        DocumentFactory(project=project, title=f"doc {i}", text=text, extraction_status="queued")
        for i, text in enumerate(MANY_TEXTS)
    ]
    assert run_queued_jobs(JobKind.EXTRACT) == len(documents)
    together, together_matches = stored_claims(documents), stored_matches(documents)
    assert len(together) > 10 and together_matches
    assert {m[2] for m in together_matches} == {checked.pk}

    Claim.objects.filter(document__in=documents).delete()
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(extractor_version="")
    for document in documents:
        run_extraction(Document.objects.select_related("project").get(pk=document.pk))
    assert stored_claims(documents) == together
    assert stored_matches(documents) == together_matches
    versions = Document.objects.filter(pk__in=[d.pk for d in documents])
    assert set(versions.values_list("extractor_version", flat=True)) == {together[0][7]}


@pytest.mark.django_db
def test_one_bad_document_fails_only_its_own_job(project, monkeypatch):
    documents = [
        DocumentFactory(project=project, text=text, extraction_status="queued")
        for text in MANY_TEXTS
    ]
    real = claims_module.extraction.extract_candidates

    def fails_on_the_short_one(text, *args, **kwargs):
        if text == MANY_TEXTS[3]:
            raise ValueError("the text could not be split")
        return real(text, *args, **kwargs)

    def batch_fails(*args, **kwargs):
        raise ValueError("the text could not be split")

    monkeypatch.setattr(claims_module.extraction, "extract_many", batch_fails)
    monkeypatch.setattr(claims_module.extraction, "extract_candidates", fails_on_the_short_one)
    run_queued_jobs(JobKind.EXTRACT)
    states = {
        d.pk: (d.extraction_job.state, d.extraction_job.error)
        for d in Document.objects.select_related("extraction_job")
    }
    bad = documents[3].pk
    assert states.pop(bad) == ("failed", "ValueError: the text could not be split")
    assert set(states.values()) == {("done", "")}
    assert Claim.objects.filter(document_id=bad).count() == 0
    assert Claim.objects.exclude(document_id=bad).count() > 5


@pytest.mark.django_db
def test_a_batch_takes_the_same_queries_for_five_documents_or_fifty(
    project, django_assert_max_num_queries
):
    def extract_n(n: int) -> None:
        for i in range(n):
            DocumentFactory(project=project, text=f"{TEXT} ({n}, {i})", extraction_status="queued")
        with django_assert_max_num_queries(20):
            assert run_queued_jobs(JobKind.EXTRACT) == n

    extract_n(5)
    extract_n(50)
