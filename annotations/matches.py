""" "Checked before?": store which earlier claims with a verdict a claim repeats."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from .extraction.matching import ClaimMatcher
from .models import Claim, ClaimMatch


def checked_claims_matcher(project, exclude_document_id: int | None = None) -> ClaimMatcher | None:
    """The organisation's claims with a verdict, vectorised once; None when there are none.

    A claim of the excluded document (the one being extracted) is left out: a claim kept through
    re-extraction must not be reported as checked before by its own copy."""
    earlier = (
        Claim.objects.with_verdict()
        .filter(project__in=project.organisation_projects())
        .values_list("pk", "text")
    )
    if exclude_document_id is not None:
        earlier = earlier.exclude(document_id=exclude_document_id)
    earlier = list(earlier)
    return ClaimMatcher(earlier) if earlier else None


def store_matches(claims: Sequence[Claim], project, matcher: ClaimMatcher | None) -> int:
    """Store the matches of new claims against the vectorised earlier claims, above the project's
    match threshold (at most ten per claim, best first). Returns the number stored."""
    if not claims or matcher is None:
        return 0
    found = matcher.match([claim.text for claim in claims], project.match_threshold)
    rows = [
        ClaimMatch(claim=claim, matched_claim_id=matched_id, score=score)
        for claim, hits in zip(claims, found, strict=True)
        for matched_id, score in hits[:10]
    ]
    ClaimMatch.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def match_claim_with_verdict(claim: Claim) -> int:
    """A claim just got its verdict: the organisation's claims still without one that repeat it now have
    an earlier check to point to. Returns the number of matches stored."""
    if not claim.final_verdict:
        return 0
    project = claim.project
    open_claims = list(
        Claim.objects.filter(project__in=project.organisation_projects(), final_verdict="")
        .exclude(document_id=claim.document_id)
        .values_list("pk", "text", "project__match_threshold")
    )
    if not open_claims:
        return 0
    # One earlier claim against many open ones: vectorise the open claims, query with the new one.
    matcher = ClaimMatcher([(pk, text) for pk, text, _ in open_claims])
    scores = matcher.similarities([claim.text])[0]
    thresholds = {pk: threshold for pk, _, threshold in open_claims}
    rows = [
        ClaimMatch(claim_id=pk, matched_claim=claim, score=round(float(score), 4))
        for pk, score in zip(matcher.ids, scores, strict=True)
        if score >= thresholds[pk]
    ]
    with transaction.atomic():
        ClaimMatch.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)
