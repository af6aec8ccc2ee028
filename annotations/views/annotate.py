from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseFormSet
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
from ..models import Annotation, Claim, Project


@login_required
def claim_annotate(request: HttpRequest, pk: int) -> HttpResponse:
    claim, membership = access.get_claim_for_user(request.user, pk)
    annotation = (
        Annotation.objects.prefetch_related("sources")
        .filter(claim=claim, annotator=request.user)
        .first()
    )
    status = 200
    if request.method == "POST":
        form = AnnotationForm(request.POST, project=claim.project)
        sources = SourceFormSet(request.POST, prefix="sources")
        status = save_posted(request, claim, form, sources)
        if status is None:
            return redirect("annotations:claim-annotate", pk=claim.pk)
    else:
        form, sources = forms_for(annotation, claim.project)
    matches = claim.checked_before()
    # Earlier checks link to their claim in the projects she may open, else to where
    # they were published.
    readable = set(request.user.memberships.values_list("project_id", flat=True)) if matches else ()
    return TemplateResponse(
        request,
        "annotations/claim_annotate.html",
        {
            "project": claim.project,
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


def save_posted(
    request: HttpRequest, claim: Claim, form: AnnotationForm, sources: BaseFormSet
) -> int | None:
    """Save the posted annotation and say so; when it cannot be saved, the status to answer
    with (the forms or a message say why)."""
    if not (form.is_valid() and sources.is_valid()):
        return 400
    submit = "submit" in request.POST
    kept = [
        {k: v for k, v in s.items() if k != "DELETE"}
        for s in sources.cleaned_data
        if s and not s.get("DELETE")
    ]
    try:
        save_annotation(claim, request.user, **form.cleaned_data, sources=kept, submit=submit)
    except StaleVersion:
        messages.error(
            request,
            "Someone saved this annotation in another window first. "
            "Your changes are still in the form below; the saved version is shown beside it.",
        )
        return 409
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return 400
    messages.success(request, "Submitted for review." if submit else "Draft saved.")
    return None


def forms_for(
    annotation: Annotation | None, project: Project
) -> tuple[AnnotationForm, BaseFormSet]:
    """The forms filled with the annotator's saved work, or empty for a first annotation."""
    if annotation is None:
        initial = {"stance": "", "verdict": "", "rationale": "", "checkworthy": None, "version": 0}
        initial_sources = []
    else:
        initial = {
            "stance": annotation.stance,
            "verdict": annotation.verdict,
            "rationale": annotation.rationale,
            "checkworthy": annotation.checkworthy,
            "version": annotation.version,
        }
        initial_sources = [
            {"url": s.url, "title": s.title, "quote": s.quote, "stance": s.stance}
            for s in annotation.sources.all()
        ]
    form = AnnotationForm(project=project, initial=initial)
    return form, SourceFormSet(initial=initial_sources, prefix="sources")
