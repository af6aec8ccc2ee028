from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from .. import access
from ..errors import InvalidInput, StaleVersion
from ..forms import ReopenForm, ReviewForm
from ..models import ReviewAction
from ..review import REVIEW_PAGE_SIZE, review_claim, review_queue_page, set_lock

# What each decision did, for the message after it.
DONE = {
    ReviewAction.APPROVE: "verdict approved",
    ReviewAction.OVERRIDE: "verdict overridden",
    ReviewAction.RETURN: "returned with your comment",
}


def page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


@login_required
@require_GET
def review_queue(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    number = page_number(request)
    only = request.GET.get("disagreements") == "1"
    claims, total = review_queue_page(project, number, disagreements_only=only)
    labels = {label.key: label for label in project.rating_scale.labels.all()}
    pages = max(math.ceil(total / REVIEW_PAGE_SIZE), 1)
    return TemplateResponse(
        request,
        "annotations/review_queue.html",
        {
            "project": project,
            "membership": membership,
            "claims": claims,
            "labels": labels,
            "total": total,
            "number": number,
            "pages": pages,
            "disagreements_only": only,
        },
    )


@login_required
@require_POST
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim, _ = access.get_claim_for_user(request.user, pk, review=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an action.")
        return redirect("annotations:review-queue", slug=claim.project.slug)
    data = form.cleaned_data
    try:
        review_claim(
            claim,
            request.user,
            action=data["action"],
            verdict=data["verdict"],
            comment=data["comment"],
            annotation_id=data["annotation"],
            version=data["version"],
            lock=data["lock"],
        )
    except StaleVersion:
        messages.error(
            request, "Another editor decided on this claim first; see its current state."
        )
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Claim {claim.pk}: {DONE[data['action']]}.")
    if request.POST.get("next") == "history":
        return redirect("annotations:claim-history", pk=claim.pk)
    return redirect("annotations:review-queue", slug=claim.project.slug)


@login_required
@require_POST
def claim_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock an approved verdict, or (with a reason) reopen it for review."""
    claim, _ = access.get_claim_for_user(request.user, pk, review=True)
    reopen = request.POST.get("action") == "reopen"
    form = ReopenForm(request.POST)
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        set_lock(claim, request.user, locked=not reopen, reason=reason)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Verdict reopened for review." if reopen else "Verdict locked.")
    return redirect("annotations:claim-history", pk=claim.pk)
