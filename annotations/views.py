"""Page views. Each one: access check, form, domain call, redirect or page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from . import access, exports
from .annotating import save_annotation
from .errors import InvalidInput, StaleVersion, TooLarge
from .forms import (
    AnnotationForm,
    DocumentForm,
    ExportForm,
    NewProjectForm,
    ProjectForm,
    ReviewForm,
    SourceFormSet,
)
from .highlight import segment_text
from .ingest import DocumentInput, create_document, create_documents, parse_file
from .models import Annotation, ClaimStatus, Project
from .projects import create_project, update_project
from .review import review_claim


def bad_input(request: HttpRequest, exc: InvalidInput, to: str, **kwargs) -> HttpResponse:
    messages.error(request, str(exc))
    response = redirect(to, **kwargs)
    return response


@login_required
@require_GET
def project_list(request: HttpRequest) -> TemplateResponse:
    projects = Project.objects.for_user(request.user).annotate(n_claims=Count("claims"))
    return TemplateResponse(
        request, "annotations/project_list.html", {"projects": projects, "form": NewProjectForm()}
    )


@login_required
@require_POST
def project_create(request: HttpRequest) -> HttpResponse:
    form = NewProjectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A project needs a name.")
        return redirect("annotations:project-list")
    project = create_project(request.user, name=form.cleaned_data["name"])
    return redirect("annotations:project-detail", slug=project.slug)


@login_required
@require_GET
def project_detail(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug)
    counts = dict(project.claims.values_list("status").annotate(n=Count("id")).order_by())
    documents = project.documents.defer("text").annotate(n_claims=Count("claims"))
    return TemplateResponse(
        request,
        "annotations/project_detail.html",
        {
            "project": project,
            "membership": membership,
            "documents": documents,
            "status_counts": [(value, label, counts.get(value, 0)) for value, label in ClaimStatus.choices],
            "form": DocumentForm(),
        },
    )


@login_required
def project_settings(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug, admin=True)
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        update_project(project, request.user, changes)
        messages.success(request, "Settings saved.")
        return redirect("annotations:project-detail", slug=project.slug)
    return TemplateResponse(
        request,
        "annotations/project_settings.html",
        {"project": project, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def document_create(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.get_project_for_user(request.user, slug)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("annotations:project-detail", slug=slug)
    data = form.cleaned_data
    try:
        if data["file"]:
            documents = create_documents(project, request.user, parse_file(data["file"].name, data["file"].read()))
        else:
            doc = DocumentInput(title=data["title"], text=data["text"], url=data["url"])
            documents = [create_document(project, request.user, doc)]
    except TooLarge as exc:
        messages.error(request, str(exc))
        return TemplateResponse(
            request, "annotations/error.html", {"message": str(exc), "project": project}, status=413
        )
    except InvalidInput as exc:
        return bad_input(request, exc, "annotations:project-detail", slug=slug)
    if len(documents) == 1:
        return redirect("annotations:document-detail", pk=documents[0].pk)
    messages.success(request, f"{len(documents)} documents added; their claims are being extracted.")
    return redirect("annotations:project-detail", slug=slug)


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    document, membership = access.get_document_for_user(request.user, pk)
    claims = list(document.claims.all())
    return TemplateResponse(
        request,
        "annotations/document_detail.html",
        {
            "project": document.project,
            "membership": membership,
            "document": document,
            "claims": claims,
            "segments": segment_text(document.text, claims),
        },
    )


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
                    sources=[s for s in sources.cleaned_data if s and not s.get("DELETE")],
                    submit="submit" in request.POST,
                    version=data["version"],
                )
            except StaleVersion:
                messages.error(request, "Someone saved this annotation in another window first. "
                               "Your changes are still in the form below; the saved version is shown beside it.")
                status = 409
            except InvalidInput as exc:
                messages.error(request, str(exc))
                status = 400
            else:
                messages.success(request, "Submitted for review." if "submit" in request.POST else "Draft saved.")
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
    return TemplateResponse(
        request,
        "annotations/claim_annotate.html",
        {
            "project": project,
            "membership": membership,
            "claim": claim,
            "annotation": annotation,
            "form": form,
            "sources": sources,
            "context_before": claim.document.text[max(0, claim.start - 300) : claim.start],
            "context_after": claim.document.text[claim.end : claim.end + 300],
        },
        status=status,
    )


@login_required
@require_GET
def review_queue(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    submitted = Annotation.objects.filter(state=Annotation.State.SUBMITTED).select_related("annotator").prefetch_related("sources")
    claims = (
        project.claims.awaiting_review()
        .select_related("document")
        .prefetch_related(Prefetch("annotations", queryset=submitted, to_attr="submitted"))
        .order_by("updated_at", "id")[:50]
    )
    labels = {label.key: label for label in project.rating_scale.labels.all()}
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
        messages.error(request, "Another editor decided on this claim first; see its current state.")
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Claim {claim.pk}: {data['action']} recorded.")
    return redirect("annotations:review-queue", slug=claim.project.slug)


@login_required
@require_GET
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug)
    form = ExportForm(request.GET or None)
    if form.is_valid():
        return exports.streaming_response(project, form.cleaned_data["format"])
    return TemplateResponse(
        request,
        "annotations/export.html",
        {"project": project, "membership": membership, "form": ExportForm()},
    )


