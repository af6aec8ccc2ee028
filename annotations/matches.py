""" "Checked before?": store which earlier claims with a verdict a claim repeats."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Sum

from . import jobs
from .extraction.matching import ClaimMatcher
from .models import Claim, ClaimMatch, Job

# How many organisations' matchers a worker process keeps: each costs about 6 MB per
# thousand checked claims (63 MB for 10,269 LIAR fact-checks), and most deployments
# serve one organisation.
CACHED_ORGANISATIONS = 2


@dataclass
class CheckedClaims:
    """An organisation's claims with a verdict, vectorised: the matcher's ids are
    (claim id, document id), so a document's own claims can be left out of its matches."""

    matcher: ClaimMatcher
    version: tuple


class MatcherCache:
    """Vectorising an organisation's checked claims takes seconds once there are tens of
    thousands of them (an imported archive of fact-checks), and extraction needs them for
    every document. A process keeps the last matcher of each organisation and builds it
    again only when the checked claims changed: one aggregate query tells (how many, the
    newest id, the latest change; a verdict given, edited or taken back saves the claim)."""

    def __init__(self, size: int = CACHED_ORGANISATIONS) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, object], CheckedClaims] = OrderedDict()
        self.lock = threading.Lock()
        self.builds = 0

    def get(self, project) -> CheckedClaims | None:
        projects = project.organisation_projects()
        # Named as organisation_projects() chooses them, without a query of its own.
        if project.organisation_id is None:
            key = ("project", project.pk)
        else:
            key = ("organisation", project.organisation_id)
        checked = Claim.objects.with_verdict().filter(project__in=projects)
        # The sum of ids changes too when a project with as many checked claims leaves as
        # another joins.
        version = tuple(
            checked.aggregate(
                n=Count("id"), last=Max("id"), ids=Sum("id"), changed=Max("updated_at")
            ).values()
        )
        if version[0] == 0:
            return None
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None and entry.version == version:
                self.entries.move_to_end(key)
                return entry
        earlier = [
            ((pk, document_id), text)
            for pk, document_id, text in checked.values_list("pk", "document_id", "text")
        ]
        entry = CheckedClaims(ClaimMatcher(earlier), version)
        with self.lock:
            self.builds += 1
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return entry


matchers = MatcherCache()


def checked_claims_matcher(project) -> CheckedClaims | None:
    """The organisation's claims with a verdict, vectorised; None when there are none."""
    return matchers.get(project)


def store_matches(claims: Sequence[Claim], project, checked: CheckedClaims | None) -> int:
    """Store the matches of new claims against the organisation's checked claims, above the
    project's match threshold (at most ten per claim, best first), leaving out the claims of
    each claim's own document (a claim kept through re-extraction must not be reported as
    checked before by its own copy). Returns the number stored."""
    if not claims or checked is None:
        return 0
    found = checked.matcher.match([claim.text for claim in claims], project.match_threshold)
    rows = []
    for claim, hits in zip(claims, found, strict=True):
        others = [
            (pk, score) for (pk, in_document), score in hits if in_document != claim.document_id
        ]
        rows += [
            ClaimMatch(claim=claim, matched_claim_id=pk, score=score) for pk, score in others[:10]
        ]
    ClaimMatch.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def run_matching(claim: Claim, job: Job) -> None:
    """The matching job of a claim that got its verdict; matches are stored once (one per
    pair), however often it runs."""
    rows = matches_for_verdict(claim)
    with jobs.finishing(job):
        ClaimMatch.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def matches_for_verdict(claim: Claim) -> list[ClaimMatch]:
    """A claim just got its verdict: the organisation's claims still without one that repeat
    it now have an earlier check to point to."""
    if not claim.final_verdict:
        return []
    project = claim.project
    open_claims = list(
        Claim.objects.filter(project__in=project.organisation_projects(), final_verdict="")
        .exclude(document_id=claim.document_id)
        .values_list("pk", "text", "project__match_threshold")
    )
    if not open_claims:
        return []
    # One earlier claim against many open ones: vectorise the open claims, query with the new one.
    matcher = ClaimMatcher([(pk, text) for pk, text, _ in open_claims])
    scores = matcher.similarities([claim.text])[0]
    thresholds = {pk: threshold for pk, _, threshold in open_claims}
    return [
        ClaimMatch(claim_id=pk, matched_claim=claim, score=round(float(score), 4))
        for pk, score in zip(matcher.ids, scores, strict=True)
        if score >= thresholds[pk]
    ]
