"""Editorial review of submitted verdicts: approve, return with a comment, or override."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest, Substr

from . import jobs
from .annotating import check_verdict
from .audit import record_event, snapshot
from .errors import InvalidInput, StaleVersion
from .models import Annotation, AnnotationState, Claim, ClaimStatus, Review, ReviewAction


def agreed_verdict(annotations: list[Annotation]) -> str | None:
    """The verdict every submitted annotation gives, or None when they differ."""
    verdicts = {annotation.verdict for annotation in annotations}
    return verdicts.pop() if len(verdicts) == 1 else None


DECISION_FIELDS = ["status", "final_verdict", "final_rationale", "review_comment", "locked"]


def rationale_for(verdict: str, submitted: list[Annotation], chosen: Annotation | None) -> str:
    """The rationale that goes with an approved verdict: the chosen annotation's, else the
    first one written for that verdict. The editor's comment is kept apart."""
    if chosen is not None:
        return chosen.rationale
    return next((a.rationale for a in submitted if a.verdict == verdict and a.rationale), "")


def review_claim(
    claim: Claim,
    editor,
    *,
    action: str,
    verdict: str = "",
    comment: str = "",
    annotation_id: int | None = None,
    version: int | None = None,
    lock: bool = False,
) -> Review:
    """Record an editor's decision on a claim, named by its action, and apply it: the page
    and the API send the action as the editor chose it."""
    if action == ReviewAction.APPROVE:
        return approve_claim(
            claim,
            editor,
            verdict=verdict,
            comment=comment,
            annotation_id=annotation_id,
            version=version,
            lock=lock,
        )
    if action == ReviewAction.OVERRIDE:
        return override_claim(
            claim, editor, verdict=verdict, comment=comment, version=version, lock=lock
        )
    if action == ReviewAction.RETURN:
        if lock:
            raise InvalidInput("Only an approved verdict can be locked.", field="lock")
        return return_claim(
            claim, editor, comment=comment, annotation_id=annotation_id, version=version
        )
    raise InvalidInput(
        f"Unknown action {action!r}; use one of {', '.join(ReviewAction.values)}.",
        field="action",
    )


def approve_claim(
    claim: Claim,
    editor,
    *,
    verdict: str = "",
    comment: str = "",
    annotation_id: int | None = None,
    version: int | None = None,
    lock: bool = False,
) -> Review:
    """Approve the claim's verdict: the chosen annotation's, the one given, or the one all
    annotators agree on. `lock` locks it against further review until someone reopens it."""
    comment = (comment or "").strip()
    with transaction.atomic():
        claim, submitted, before = load_for_decision(claim, version, (ClaimStatus.IN_REVIEW,))
        chosen = chosen_annotation(submitted, annotation_id)
        if chosen is not None:
            verdict = chosen.verdict
        elif verdict:
            verdict = check_verdict(claim, verdict)
        else:
            verdict = agreed_verdict(submitted)
            if verdict is None:
                raise InvalidInput(
                    "The annotators disagree: pick one annotation's verdict or override.",
                    field="verdict",
                )
            if len(submitted) == 1:
                chosen = submitted[0]
        claim.status = ClaimStatus.APPROVED
        claim.in_queue = False
        claim.final_verdict = verdict
        claim.final_rationale = rationale_for(verdict, submitted, chosen)
        claim.review_comment = comment
        claim.locked = lock
        return record_decision(
            claim, editor, ReviewAction.APPROVE, before, verdict, comment, chosen
        )


def override_claim(
    claim: Claim,
    editor,
    *,
    verdict: str,
    comment: str = "",
    version: int | None = None,
    lock: bool = False,
) -> Review:
    """Replace the annotators' verdict with the editor's own, on a claim in review or one
    already approved. `lock` locks it against further review until someone reopens it."""
    comment = (comment or "").strip()
    allowed = (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED)
    with transaction.atomic():
        claim, _, before = load_for_decision(claim, version, allowed)
        if not verdict:
            raise InvalidInput("An override needs a verdict.", field="verdict")
        verdict = check_verdict(claim, verdict)
        claim.status = ClaimStatus.APPROVED
        claim.in_queue = False
        claim.final_verdict = verdict
        # The editor's own verdict: her comment is its only rationale.
        claim.final_rationale = comment
        claim.review_comment = comment
        claim.locked = lock
        return record_decision(claim, editor, ReviewAction.OVERRIDE, before, verdict, comment)


def return_claim(
    claim: Claim,
    editor,
    *,
    comment: str,
    annotation_id: int | None = None,
    version: int | None = None,
) -> Review:
    """Send the claim back with the editor's comment to the annotator of `annotation_id`,
    or to all its annotators: their submissions reopen as drafts."""
    comment = (comment or "").strip()
    with transaction.atomic():
        claim, submitted, before = load_for_decision(claim, version, (ClaimStatus.IN_REVIEW,))
        if not comment:
            raise InvalidInput(
                "Say what the annotator should change: a comment is required.", field="comment"
            )
        chosen = chosen_annotation(submitted, annotation_id)
        for annotation in [chosen] if chosen else submitted:
            annotation.state = AnnotationState.DRAFT
            annotation.submitted_at = None
            annotation.version = F("version") + 1
            annotation.save(update_fields=["state", "submitted_at", "version", "updated_at"])
            record_event(
                editor, annotation, "return", after={"state": "draft"}, project=claim.project
            )
        claim.status = ClaimStatus.IN_PROGRESS
        claim.locked = False
        return record_decision(claim, editor, ReviewAction.RETURN, before, "", comment, chosen)


def load_for_decision(
    claim: Claim, version: int | None, allowed: tuple[str, ...]
) -> tuple[Claim, list[Annotation], dict]:
    """The claim, locked for an editor's decision, with its submitted annotations and its
    decision fields as they were; refused when it is stale, locked or not in `allowed`."""
    # Two editors deciding the same claim at once: the second must see the first decision.
    claim = (
        Claim.objects.select_for_update().select_related("project__rating_scale").get(pk=claim.pk)
    )
    if version is not None and version != claim.version:
        raise StaleVersion(claim, claim.version)
    if claim.locked:
        raise InvalidInput("This claim's verdict is locked; reopen it first.")
    if claim.status not in allowed:
        raise InvalidInput(
            f"This claim is {claim.get_status_display().lower()}, not awaiting review."
        )
    submitted = list(claim.annotations.filter(state=AnnotationState.SUBMITTED))
    return claim, submitted, snapshot(claim, DECISION_FIELDS)


def chosen_annotation(submitted: list[Annotation], annotation_id: int | None) -> Annotation | None:
    """The submitted annotation the editor picked, if she picked one."""
    if annotation_id is None:
        return None
    chosen = next((a for a in submitted if a.pk == annotation_id), None)
    if chosen is None:
        raise InvalidInput(
            "That annotation is not a submitted annotation of this claim.", field="annotation"
        )
    return chosen


def record_decision(
    claim: Claim,
    editor,
    action: str,
    before: dict,
    verdict: str,
    comment: str,
    chosen: Annotation | None = None,
) -> Review:
    """Save the decided claim, with the Review row and the audit events that record it; a
    final verdict is then matched against earlier checks."""
    claim.version = F("version") + 1
    claim.save()
    if action == ReviewAction.RETURN:
        # The returned annotators' places are open again, for them (their drafts come
        # first in their queues) or, once a reservation lapses, for others.
        Claim.objects.filter(pk=claim.pk).refresh_in_queue(claim.project)
    claim.refresh_from_db()
    review = Review.objects.create(
        claim=claim,
        editor=editor,
        action=action,
        verdict=verdict,
        comment=comment,
        annotation=chosen,
    )
    record_event(editor, review, "create", after=snapshot(review), project=claim.project)
    record_event(editor, claim, action, before=before, after=snapshot(claim, DECISION_FIELDS))
    if claim.final_verdict:
        jobs.queue_match(claim)
    return review


def set_lock(claim: Claim, editor, *, locked: bool, reason: str = "") -> Claim:
    """Lock an approved verdict, or reopen a locked one for review.

    Reopening undoes the decision: the claim is back in review, without a final verdict,
    and the editor's reason is kept in the audit trail."""
    reason = (reason or "").strip()
    if not locked and not reason:
        raise InvalidInput("Say why the verdict is reopened: a reason is required.", field="reason")
    with transaction.atomic():
        # An editor locking while another reopens: one must see the other's result.
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.APPROVED:
            raise InvalidInput("Only an approved verdict can be locked or reopened.")
        if locked == claim.locked and locked:
            raise InvalidInput("This verdict is already locked.")
        before = snapshot(claim, DECISION_FIELDS)
        if locked:
            claim.locked = True
        else:
            claim.locked = False
            claim.status = ClaimStatus.IN_REVIEW
            claim.final_verdict = ""
            claim.final_rationale = ""
            claim.review_comment = ""
            claim.disagreement = claim.annotations_disagree()
        claim.version = F("version") + 1
        claim.save()
        claim.refresh_from_db()
        after = snapshot(claim, DECISION_FIELDS)
        if reason:
            after["reason"] = reason
        record_event(editor, claim, "lock" if locked else "reopen", before=before, after=after)
    return claim


def returned_claims(project, user) -> QuerySet[Claim]:
    """Claims whose last review sent them back to this user, with the editor's comment
    (`return_comment`, `returned_by`, `returned_at`), until she submits again."""
    return (
        project.claims.filter(
            status=ClaimStatus.IN_PROGRESS,
            annotations__annotator=user,
            annotations__state=AnnotationState.DRAFT,
        )
        .with_last_review()
        .filter(last_action=ReviewAction.RETURN)
        .filter(Q(return_target__isnull=True) | Q(return_target=user.pk))
        .order_by("-returned_at", "id")
    )


REVIEW_PAGE_SIZE = 20
CONTEXT_CHARS = 240
COMPARED_FIELDS = ("stance", "verdict", "guideline_version")


def mark_differences(claim: Claim) -> None:
    """Set `claim.differs[field]` for the fields on which its submitted annotations differ,
    and `source.cited_by_all` on each source, so the page can highlight them."""
    annotations = claim.submitted
    claim.differs = {
        name: len({getattr(a, name) for a in annotations}) > 1 for name in COMPARED_FIELDS
    }
    cited = [{(s.url, s.stance) for s in a.sources.all()} for a in annotations]
    common = set.intersection(*cited) if cited else set()
    claim.differs["sources"] = any(group != common for group in cited)
    for annotation in annotations:
        for source in annotation.sources.all():
            source.cited_by_all = (source.url, source.stance) in common


def review_queue_page(
    project, page: int = 1, size: int = REVIEW_PAGE_SIZE, disagreements_only: bool = False
) -> tuple[list[Claim], int]:
    """One page of the review queue, disagreements first, and the number of claims in it.

    A fixed number of queries whatever the project's size: the count, the page (an index
    scan on the stored disagreement flag), the claims' context, their annotations and
    their sources."""
    queue = project.claims.review_queue()
    if disagreements_only:
        queue = queue.filter(disagreement=True)
        total = queue.count()
    else:
        total = project.claims.awaiting_review().count()
    offset = (max(page, 1) - 1) * size
    submitted = (
        Annotation.objects.filter(state=AnnotationState.SUBMITTED)
        .select_related("annotator")
        .with_sources()
        .order_by("submitted_at", "id")
    )
    claims = list(
        queue.prefetch_related(Prefetch("annotations", queryset=submitted, to_attr="submitted"))[
            offset : offset + size
        ]
    )
    start = Greatest(F("start") - CONTEXT_CHARS, Value(0))
    contexts = {
        pk: (title, before, after)
        for pk, title, before, after in Claim.objects.filter(pk__in=[c.pk for c in claims])
        .annotate(
            before=Substr("document__text", start + 1, F("start") - start),
            after=Substr("document__text", F("end") + 1, CONTEXT_CHARS),
        )
        .values_list("pk", "document__title", "before", "after")
    }
    labels = dict(project.rating_scale.labels.values_list("key", "label"))
    for claim in claims:
        claim.document_title, claim.context_before, claim.context_after = contexts[claim.pk]
        mark_differences(claim)
        for annotation in claim.submitted:
            annotation.verdict_label = labels.get(annotation.verdict, annotation.verdict)
    return claims, total
