from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .. import access
from ..annotating import save_annotation
from ..errors import InvalidInput, StaleVersion
from ..forms import (
    AnnotationForm,
    SourceFormSet,
)
from ..models import Annotation


@login_required
def claim_annotate(request: HttpRequest, pk: int) -> HttpResponse:
    claim, membership = access.get_claim_for_user(request.user, pk)
    project = claim.project
    annotation = (
        Annotation.objects.prefetch_related("sources")
        .filter(claim=claim, annotator=request.user)
        .first()
    )
    status = 200
    if request.method == "POST":
        form = AnnotationForm(request.POST, project=project)
        sources = SourceFormSet(request.POST, prefix="sources")
        if form.is_valid() and sources.is_valid():
            data = form.cleaned_data
            try:
                save_annotation(
                    claim,
                    request.user,
                    stance=data["stance"],
                    verdict=data["verdict"],
                    rationale=data["rationale"],
                    checkworthy=data["checkworthy"],
                    sources=[
                        {k: v for k, v in s.items() if k != "DELETE"}
                        for s in sources.cleaned_data
                        if s and not s.get("DELETE")
                    ],
                    submit="submit" in request.POST,
                    version=data["version"],
                )
            except StaleVersion:
                messages.error(
                    request,
                    "Someone saved this annotation in another window first. "
                    "Your changes are still in the form below; the saved version is shown beside it.",
                )
                status = 409
            except InvalidInput as exc:
                messages.error(request, str(exc))
                status = 400
            else:
                messages.success(
                    request, "Submitted for review." if "submit" in request.POST else "Draft saved."
                )
                return redirect("annotations:claim-annotate", pk=claim.pk)
        else:
            status = 400
    else:
        initial_sources = [
            {"url": s.url, "title": s.title, "quote": s.quote, "stance": s.stance}
            for s in (annotation.sources.all() if annotation else [])
        ]
        form = AnnotationForm(
            project=project,
            initial={
                "stance": annotation.stance if annotation else "",
                "verdict": annotation.verdict if annotation else "",
                "rationale": annotation.rationale if annotation else "",
                "checkworthy": annotation.checkworthy if annotation else None,
                "version": annotation.version if annotation else 0,
            },
        )
        sources = SourceFormSet(initial=initial_sources, prefix="sources")
    matches = claim.checked_before()
    # Earlier checks link to their claim in the projects she may open, else to where
    # they were published.
    readable = set(request.user.memberships.values_list("project_id", flat=True)) if matches else ()
    return TemplateResponse(
        request,
        "annotations/claim_annotate.html",
        {
            "project": project,
            "membership": membership,
            "claim": claim,
            "matches": matches,
            "readable": readable,
            "annotation": annotation,
            "form": form,
            "sources": sources,
            "context_before": claim.document.text[max(0, claim.start - 300) : claim.start],
            "context_after": claim.document.text[claim.end : claim.end + 300],
        },
        status=status,
    )
