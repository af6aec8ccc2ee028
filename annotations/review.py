"""Editorial review of submitted verdicts: approve, return with a comment, or override."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .annotating import check_verdict
from .audit import record_event, snapshot
from .errors import InvalidInput, StaleVersion
from .models import Annotation, Claim, ClaimStatus, Review
from .tasks import match_checked_claim


def agreed_verdict(annotations: list[Annotation]) -> str | None:
    """The verdict every submitted annotation gives, or None when they differ."""
    verdicts = {annotation.verdict for annotation in annotations}
    return verdicts.pop() if len(verdicts) == 1 else None


def review_claim(
    claim: Claim,
    editor,
    *,
    action: str,
    verdict: str = "",
    comment: str = "",
    annotation_id: int | None = None,
    version: int | None = None,
) -> Review:
    """Record an editor's decision on a claim and apply it.

    approve: the claim takes the verdict of the chosen annotation, or the one all
    annotators agree on. override: the editor's own verdict. return: the claim goes back
    to its annotators, their submissions reopened as drafts, with the editor's comment."""
    if action not in Review.Action.values:
        raise InvalidInput(
            f"Unknown action {action!r}; use one of {', '.join(Review.Action.values)}.",
            field="action",
        )
    comment = (comment or "").strip()
    with transaction.atomic():
        # Two editors deciding the same claim at once: the second must see the first decision.
        claim = (
            Claim.objects.select_for_update()
            .select_related("project__rating_scale")
            .get(pk=claim.pk)
        )
        if version is not None and version != claim.version:
            raise StaleVersion(claim, claim.version)
        allowed = (
            (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED)
            if action == Review.Action.OVERRIDE
            else (ClaimStatus.IN_REVIEW,)
        )
        if claim.status not in allowed:
            raise InvalidInput(
                f"This claim is {claim.get_status_display().lower()}, not awaiting review."
            )
        submitted = list(claim.annotations.filter(state=Annotation.State.SUBMITTED))
        before = snapshot(claim, ["status", "final_verdict", "final_rationale"])
        chosen = None

        if action == Review.Action.APPROVE:
            if annotation_id is not None:
                chosen = next((a for a in submitted if a.pk == annotation_id), None)
                if chosen is None:
                    raise InvalidInput(
                        "That annotation is not a submitted annotation of this claim.",
                        field="annotation",
                    )
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
            claim.final_verdict = verdict
            claim.final_rationale = comment or (chosen.rationale if chosen else "")
        elif action == Review.Action.OVERRIDE:
            if not verdict:
                raise InvalidInput("An override needs a verdict.", field="verdict")
            verdict = check_verdict(claim, verdict)
            claim.status = ClaimStatus.APPROVED
            claim.final_verdict = verdict
            claim.final_rationale = comment
        else:
            if not comment:
                raise InvalidInput(
                    "Say what the annotator should change: a comment is required.",
                    field="comment",
                )
            verdict = ""
            for annotation in submitted:
                annotation.state = Annotation.State.DRAFT
                annotation.submitted_at = None
                annotation.version = F("version") + 1
                annotation.save(update_fields=["state", "submitted_at", "version", "updated_at"])
                record_event(
                    editor, annotation, "return", after={"state": "draft"}, project=claim.project
                )
            claim.status = ClaimStatus.IN_PROGRESS

        claim.version = F("version") + 1
        claim.save()
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
        record_event(
            editor,
            claim,
            action,
            before=before,
            after=snapshot(claim, ["status", "final_verdict", "final_rationale"]),
        )
        if claim.final_verdict:
            transaction.on_commit(lambda: match_checked_claim.delay(claim.pk))
    return review
