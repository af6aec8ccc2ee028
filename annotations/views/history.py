from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from .. import access
from ..audit import audit_log_lines
from ..comments import add_comment
from ..errors import InvalidInput
from ..forms import CommentForm, ReopenForm
from ..models import Annotation
from ..timeline import claim_timeline

AUDIT_FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv"}


@login_required
@require_GET
def claim_history(request: HttpRequest, pk: int) -> TemplateResponse:
    """The claim with every annotation, review and comment, and its audit timeline."""
    claim, membership = access.get_claim_for_user(request.user, pk, review=True)
    annotations = (
        Annotation.objects.filter(claim=claim)
        .select_related("annotator")
        .prefetch_related("sources")
    )
    return TemplateResponse(
        request,
        "annotations/claim_history.html",
        {
            "project": claim.project,
            "membership": membership,
            "claim": claim,
            "annotations": annotations,
            "comments": claim.comments.select_related("author"),
            "timeline": claim_timeline(claim),
            "labels": dict(claim.project.rating_scale.labels.values_list("key", "label")),
            "comment_form": CommentForm(),
            "reopen_form": ReopenForm(),
        },
    )


@login_required
def claim_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The claim's discussion, open to every member of the project."""
    claim, membership = access.get_claim_for_user(request.user, pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_comment(claim, request.user, form.cleaned_data["body"])
        except InvalidInput as exc:
            form.add_error("body", exc.message)
        else:
            if request.POST.get("next") == "history" and membership.can_review:
                return redirect("annotations:claim-history", pk=claim.pk)
            return redirect("annotations:claim-comments", pk=claim.pk)
    return TemplateResponse(
        request,
        "annotations/claim_comments.html",
        {
            "project": claim.project,
            "membership": membership,
            "claim": claim,
            "comments": claim.comments.select_related("author"),
            "reviews": claim.reviews.select_related("editor").filter(action="return"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def audit_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    project, _ = access.get_project_for_user(request.user, slug, review=True)
    fmt = request.GET.get("format", "jsonl")
    if fmt not in AUDIT_FORMATS:
        fmt = "jsonl"
    response = StreamingHttpResponse(audit_log_lines(project, fmt), content_type=AUDIT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-audit.{fmt}"'
    return response
