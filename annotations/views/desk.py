"""The annotation desk: a document with its claims highlighted, the annotator's panel
beside it, and the way into her queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from .. import access, queue
from ..annotating import annotation_state
from ..guidelines import current_guideline_version, render_guidelines
from ..highlight import segment_text
from ..models import (
    Annotation,
    Claim,
    ClaimMatch,
    ClaimStance,
    ClaimStatus,
    Document,
    Membership,
    SourceStance,
)
from ..web_addresses import is_web_address

# The stance shortcuts, shown beside each choice and in the cheat-sheet.
STANCE_KEYS = {
    ClaimStance.SUPPORTED: "y",
    ClaimStance.REFUTED: "x",
    ClaimStance.CONFLICTING: "c",
    ClaimStance.NOT_ENOUGH_EVIDENCE: "e",
}


@login_required
@require_GET
def document_desk(request: HttpRequest, pk: int) -> TemplateResponse:
    document, membership = access.get_document_for_user(request.user, pk)
    matches = (
        ClaimMatch.objects.readable_from(document.project)
        .select_related("matched_claim__project__rating_scale", "matched_claim__document")
        .order_by("-score", "id")
    )
    claims = list(
        document.claims.with_last_review().prefetch_related(Prefetch("matches", queryset=matches))
    )
    current = request.GET.get("claim", "")
    current_id = int(current) if current.isdigit() else None
    if current_id not in {claim.pk for claim in claims}:
        current_id = claims[0].pk if claims else None
    return TemplateResponse(
        request,
        "annotations/document_detail.html",
        {
            "project": document.project,
            "membership": membership,
            "document": document,
            "job": document.extraction_job,
            "claims": claims,
            "segments": segment_text(document.text, claims),
            "guidelines_html": render_guidelines(document.project.guidelines),
            "desk": desk_data(document, claims, request.user, current_id),
        },
    )


def desk_data(document: Document, claims: list[Claim], user, current_id: int | None) -> dict:
    """Everything desk.js needs, as JSON: the claims, the user's own annotations (never
    anyone else's: annotation is blind until review) and the project's scale."""
    project = document.project
    mine = (
        Annotation.objects.filter(claim__document=document, annotator=user)
        .select_related("annotator", "claim")
        .with_sources()
    )
    labels = project.rating_scale.labels.all()
    mine = list(mine)
    # Earlier checks link to their desks in the projects she may open: asked only when
    # there are earlier checks to show.
    readable = set()
    if any(claim.matches.all() for claim in claims):
        readable = set(Membership.objects.filter(user=user).values_list("project_id", flat=True))
    return {
        "user": user.username,
        "project": project.slug,
        "document": document.pk,
        "current": current_id,
        "guideline_version": current_guideline_version(project),
        "free_text": project.rating_scale.free_text,
        "labels": [{"key": label.key, "label": label.label} for label in labels],
        "stances": [
            {"key": key, "label": label, "shortcut": STANCE_KEYS[key]}
            for key, label in ClaimStance.choices
        ],
        "source_stances": [{"key": key, "label": label} for key, label in SourceStance.choices],
        "statuses": dict(ClaimStatus.choices),
        "claims": [claim_data(claim, readable) for claim in claims],
        "returned": returned_to(claims, mine, user),
        "annotations": {annotation.claim_id: annotation_state(annotation) for annotation in mine},
        "urls": {
            "next": reverse("api:queue-next", args=[project.slug]),
            "add_claim": reverse("api:document-claims", args=[document.pk]),
        },
    }


def returned_to(claims: list[Claim], mine: list[Annotation], user) -> dict[int, dict[str, str]]:
    """The claims an editor returned to this annotator: who, when and why."""
    hers = {annotation.claim_id: annotation for annotation in mine}
    return {
        claim.pk: {
            "by": claim.returned_by,
            "at": date_format(timezone.localtime(claim.returned_at), "j F Y, H:i"),
            "comment": claim.return_comment,
            "discussion": reverse("annotations:claim-comments", args=[claim.pk]),
        }
        for claim in claims
        if claim.returned_to(user, hers.get(claim.pk))
    }


def claim_data(claim: Claim, readable: set[int]) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "origin": claim.origin,
        "origin_label": claim.get_origin_display(),
        "score": claim.score,
        "speaker": claim.speaker,
        "version": claim.version,
        "rejection_reason": claim.rejection_reason,
        # "Checked before?": earlier claims of the organisation with a verdict that this one
        # repeats. Their verdicts are final ones, not other annotators' work in progress.
        "matches": [match_data(match, readable) for match in claim.matches.all()],
    }


def match_data(match: ClaimMatch, readable: set[int]) -> dict[str, Any]:
    """An earlier check, linked to the claim on its desk when the annotator may open that
    project, otherwise to where it was published."""
    earlier = match.matched_claim
    label = earlier.project.rating_scale.label_for(earlier.final_verdict)
    addresses = (earlier.review_url, earlier.document.url)
    published = next((url for url in addresses if is_web_address(url)), "")
    internal = earlier.project_id in readable
    return {
        "text": earlier.text,
        "verdict": label.label if label else earlier.final_verdict,
        "score": round(match.score, 2),
        "where": "imported fact-check"
        if earlier.origin == Claim.Origin.IMPORTED
        else earlier.project.name,
        "href": earlier.get_absolute_url() if internal else published,
        "external": not internal,
        "published": published if internal else "",
    }


@login_required
@require_POST
def queue_next(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.get_project_for_user(request.user, slug)
    claim = queue.next_claim(project, request.user)
    if claim is None:
        messages.success(request, "Your queue is empty: no claim in this project needs you now.")
        return redirect("annotations:project-detail", slug=slug)
    return redirect(claim)
