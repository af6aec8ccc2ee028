from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from .. import access
from ..errors import InvalidInput, StaleVersion
from ..forms import (
    ReviewForm,
)
from ..models import Annotation
from ..review import review_claim


@login_required
@require_GET
def review_queue(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    submitted = (
        Annotation.objects.filter(state=Annotation.State.SUBMITTED)
        .select_related("annotator")
        .prefetch_related("sources")
    )
    claims = list(
        project.claims.awaiting_review()
        .select_related("document")
        .prefetch_related(Prefetch("annotations", queryset=submitted, to_attr="submitted"))
        .order_by("updated_at", "id")[:50]
    )
    labels = {label.key: label for label in project.rating_scale.labels.all()}
    for claim in claims:
        for annotation in claim.submitted:
            # Editors read the scale's wording ("Mostly true"), not the stored key.
            annotation.verdict_label = labels.get(annotation.verdict)
    return TemplateResponse(
        request,
        "annotations/review_queue.html",
        {"project": project, "membership": membership, "claims": claims, "labels": labels},
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
        )
    except StaleVersion:
        messages.error(
            request, "Another editor decided on this claim first; see its current state."
        )
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Claim {claim.pk}: {data['action']} recorded.")
    return redirect("annotations:review-queue", slug=claim.project.slug)
