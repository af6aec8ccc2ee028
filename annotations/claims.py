"""Claims: storing the extractor's candidates, and people's edits to claims."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from . import extraction, jobs
from .annotating import update_claim_status
from .audit import changed_only, record_event, snapshot
from .bulk import insert_objects
from .errors import InvalidInput, StaleVersion
from .matches import checked_claims_matcher, store_matches
from .models import Annotation, Claim, ClaimStatus, Document, Job

# Claims still being worked on; approved and rejected ones are closed to edits like these.
OPEN_STATUSES = (ClaimStatus.UNSTARTED, ClaimStatus.IN_PROGRESS, ClaimStatus.IN_REVIEW)

_STORE_BATCH = 1_000


def store_candidates(
    document: Document, candidates: list[extraction.Candidate], extractor_version: str
) -> int:
    """Replace the document's untouched extracted claims with the new candidates.

    Claims a person has touched (annotated, edited, added by hand, reviewed) are kept as
    they are, and a candidate with the same span as a kept claim is not added again.
    New claims are matched against the organisation's claims that have a verdict ("checked before?").
    Call inside a transaction. Returns the number of claims created."""
    threshold = document.project.checkworthiness_threshold
    created = 0
    kept_spans: set[tuple[int, int]] = set()
    # A document's first extraction (the common case) has nothing to replace or keep: one query, not two.
    if document.extractor_version or document.claims.exists():
        document.claims.untouched_extractions().delete()
        kept_spans = set(document.claims.values_list("start", "end"))
    kept = [
        candidate
        for candidate in candidates
        if candidate.score >= threshold and (candidate.start, candidate.end) not in kept_spans
    ]
    # "Checked before?": the organisation's claims with a verdict, vectorised (and kept
    # by this process until they change).
    checked = checked_claims_matcher(document.project) if kept else None
    # Claim instances are heavy; building them a batch at a time keeps a 5 MB transcript's
    # tens of thousands of claims within a few tens of MB.
    for offset in range(0, len(kept), _STORE_BATCH):
        new_claims = [
            claim_from_candidate(document, candidate, extractor_version)
            for candidate in kept[offset : offset + _STORE_BATCH]
        ]
        Claim.objects.bulk_create(new_claims)
        store_matches(new_claims, document.project, checked)
        created += len(new_claims)
    document.extractor_version = extractor_version
    document.save(update_fields=["extractor_version"])
    return created


def claim_from_candidate(
    document: Document, candidate: extraction.Candidate, extractor_version: str
) -> Claim:
    """An unsaved claim of the document for one extracted candidate."""
    return Claim(
        project_id=document.project_id,
        document=document,
        text=candidate.text,
        start=candidate.start,
        end=candidate.end,
        speaker=candidate.speaker[:200],
        score=candidate.score,
        scorer_version=extractor_version,
        claim_types=list(candidate.claim_types),
    )


def store_new_candidates(
    documents: list[Document], candidates: list[list[extraction.Candidate]], extractor_version: str
) -> int:
    """Store the candidates of documents that have no claims yet (their first extraction),
    for many documents at once: one insert per thousand claims, and the organisation's
    checked claims looked up once per project rather than once per document. Call inside a
    transaction. Returns the number of claims created."""
    created = 0
    by_project: dict[int, list[Claim]] = {}
    for document, found in zip(documents, candidates, strict=True):
        threshold = document.project.checkworthiness_threshold
        by_project.setdefault(document.project_id, []).extend(
            claim_from_candidate(document, candidate, extractor_version)
            for candidate in found
            if candidate.score >= threshold
        )
    projects = {document.project_id: document.project for document in documents}
    for project_id, new_claims in by_project.items():
        checked = checked_claims_matcher(projects[project_id]) if new_claims else None
        if checked is None:
            # Nothing to match against, so the claims' ids are not needed now.
            insert_objects(new_claims)
            created += len(new_claims)
            continue
        for offset in range(0, len(new_claims), _STORE_BATCH):
            stored = Claim.objects.bulk_create(new_claims[offset : offset + _STORE_BATCH])
            store_matches(stored, projects[project_id], checked)
            created += len(stored)
    Document.objects.filter(pk__in=[document.pk for document in documents]).update(
        extractor_version=extractor_version
    )
    for document in documents:
        document.extractor_version = extractor_version
    return created


def run_extractions(documents: list[Document], batch: list[Job]) -> None:
    """Extract the claims of several documents, one extraction job each, and store them in
    one transaction: split and score their sentences together (see extraction.extract_many),
    store the claims of those whose job this worker still holds, and mark those jobs done.
    A document extracted before (run again by hand) is stored as `store_candidates` does,
    keeping the claims people have worked on."""
    by_document = {document.pk: document for document in documents}
    by_scorer: dict[str, list[Document]] = {}
    for job in batch:
        document = by_document[job.document_id]
        by_scorer.setdefault(document.project.scorer_for(document.text), []).append(document)
    extracted: list[tuple[Document, list[extraction.Candidate], str]] = []
    for scorer, group in by_scorer.items():
        found, version = extraction.extract_many([document.text for document in group], scorer)
        for document, candidates in zip(group, found, strict=True):
            for candidate in candidates:
                # The one invariant every screen and export relies on.
                assert document.text[candidate.start : candidate.end] == candidate.text
            extracted.append((document, candidates, version))
    with jobs.finishing_batch(batch) as held:
        held_documents = {job.document_id for job in held}
        extracted = [row for row in extracted if row[0].pk in held_documents]
        extracted_before = set(
            Claim.objects.filter(document__in=[document for document, _, _ in extracted])
            .order_by()
            .values_list("document_id", flat=True)
            .distinct()
        )
        first_time: dict[str, list[tuple[Document, list[extraction.Candidate]]]] = {}
        for document, candidates, version in extracted:
            if document.extractor_version or document.pk in extracted_before:
                store_candidates(document, candidates, version)
            else:
                first_time.setdefault(version, []).append((document, candidates))
        for version, rows in first_time.items():
            store_new_candidates([d for d, _ in rows], [c for _, c in rows], version)


def run_extraction(document: Document, job: Job | None = None) -> int:
    """Split, score and store the document's candidate claims. With the document's
    extraction job, the claims are stored only while the job is still this worker's, and
    the job is marked done in the same transaction: however often it runs, the document
    ends with one set of claims."""
    candidates, version = extraction.extract_candidates(
        document.text, document.project.scorer_for(document.text)
    )
    for candidate in candidates:
        # The one invariant every screen and export relies on.
        assert document.text[candidate.start : candidate.end] == candidate.text
    with jobs.finishing(job) if job is not None else transaction.atomic():
        return store_candidates(document, candidates, version)


def extract_again(document: Document, user) -> Job:
    """Queue the document's claim extraction again: after it failed or stalled, or to score
    it with a newer model. Claims people have worked on are kept (see store_candidates)."""
    with transaction.atomic():
        job = jobs.rerun(document.extraction_job)
        record_event(user, document, "extract", after={"job": job.pk})
    return job


def check_span(document: Document, start: int, end: int, text: str) -> None:
    """A claim's span must lie inside its document and its text be exactly that slice."""
    if not (0 <= start < end <= len(document.text)):
        raise InvalidInput("The span must lie inside the document.", field="start")
    if document.text[start:end] != text:
        raise InvalidInput(
            "The text must be exactly the document's text between start and end.",
            field="text",
        )


def add_claim(
    document: Document, user, *, start: int, end: int, text: str, speaker: str = ""
) -> Claim:
    """Add a claim a person found in the document (origin manual), at its exact span.

    With no speaker given, the claim takes the one its words have in the document: a span inside a quote
    gets the quote's speaker, as an extracted claim would."""
    check_span(document, start, end, text)
    if not text.strip():
        raise InvalidInput("A claim cannot be only whitespace.", field="text")
    if not speaker.strip():
        speaker = extraction.speaker_of_span(document.text, start, end)
    with transaction.atomic():
        if document.claims.filter(start=start, end=end).exists():
            raise InvalidInput("There is already a claim with exactly this span.", field="start")
        claim = Claim.objects.create(
            project_id=document.project_id,
            document=document,
            text=text,
            start=start,
            end=end,
            speaker=speaker[:200],
            origin=Claim.Origin.MANUAL,
        )
        record_event(user, claim, "create", after=snapshot(claim))
    return claim


def reject_claim(claim: Claim, user, *, reason: str, version: int) -> Claim:
    """Mark the claim as not check-worthy: it is rejected, with the reason, and leaves
    every queue."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the claim is not check-worthy.", field="reason")
    with transaction.atomic():
        # A reviewer approving while someone rejects: one of them must see the other's change.
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.version != version:
            raise StaleVersion(claim, claim.version)
        close_claim(claim, user, reason=reason, action="reject")
    return claim


def close_claim(
    claim: Claim, user, *, reason: str, action: str, merged_into: Claim | None = None
) -> None:
    if claim.status not in OPEN_STATUSES:
        raise InvalidInput(
            f"Claim {claim.pk} is {claim.get_status_display().lower()}; it is closed."
        )
    before = snapshot(claim)
    claim.status = ClaimStatus.REJECTED
    claim.in_queue = False
    claim.rejection_reason = reason[:5000]
    claim.merged_into = merged_into
    claim.version = F("version") + 1
    claim.save()
    claim.refresh_from_db()
    claim.reservations.all().delete()
    before, after = changed_only(before, snapshot(claim))
    record_event(user, claim, action, before=before, after=after)


def merge_claims(keep: Claim, duplicate: Claim, user) -> Claim:
    """Merge a duplicate into the claim kept: the duplicate is rejected as a duplicate and
    its annotations move to the kept claim, except those of annotators who already
    annotated the kept one (theirs stay with the duplicate, for the record)."""
    if keep.pk == duplicate.pk:
        raise InvalidInput("A claim cannot be merged into itself.", field="duplicate")
    if keep.project_id != duplicate.project_id:
        raise InvalidInput("Only claims of the same project can be merged.", field="duplicate")
    with transaction.atomic():
        # Lock both claims in id order, so two merges of the same pair cannot deadlock.
        locked = {
            c.pk: c
            for c in Claim.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        }
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if keep.status not in OPEN_STATUSES:
            raise InvalidInput(
                f"Claim {keep.pk} is {keep.get_status_display().lower()}; it is closed."
            )
        already = keep.annotations.values("annotator_id")
        moved = list(
            duplicate.annotations.exclude(annotator_id__in=already).values_list("pk", flat=True)
        )
        Annotation.objects.filter(pk__in=moved).update(claim=keep)
        close_claim(
            duplicate,
            user,
            reason=f"Duplicate of claim {keep.pk}.",
            action="merge",
            merged_into=keep,
        )
        record_event(
            user,
            keep,
            "merge",
            after={"duplicate": duplicate.pk, "moved_annotations": moved},
        )
        update_claim_status(keep, user)
    return keep


EDITABLE_FIELDS = {"text", "start", "end", "speaker", "claim_types", "location_iso_code"}


def update_claim(claim: Claim, user, changes: dict, version: int) -> Claim:
    """Edit a claim's span, wording, speaker, types or location; the span must slice the
    document."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        # Two editors adjusting the same claim: the second one must see the first one's change.
        claim = Claim.objects.select_for_update().select_related("document").get(pk=claim.pk)
        if claim.version != version:
            raise StaleVersion(claim, claim.version)
        before = snapshot(claim)
        for name, value in changes.items():
            setattr(claim, name, value)
        if {"start", "end"} & set(changes) and "text" not in changes:
            claim.text = claim.document.text[claim.start : claim.end]
        check_span(claim.document, claim.start, claim.end, claim.text)
        claim.version = F("version") + 1
        claim.save()
        claim.refresh_from_db()
        before, after = changed_only(before, snapshot(claim))
        record_event(user, claim, "update", before=before, after=after)
    return claim
