from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from .. import access, jobs
from ..forms import (
    DocumentForm,
    NewProjectForm,
    ProjectForm,
)
from ..models import ClaimStatus, JobKind, Project
from ..projects import create_project, update_project
from ..review import returned_claims


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
    documents = (
        project.documents.defer("text")
        .select_related("extraction_job")
        .annotate(n_claims=Count("claims"))
    )
    return TemplateResponse(
        request,
        "annotations/project_detail.html",
        {
            "project": project,
            "membership": membership,
            "documents": documents,
            "extraction": jobs.counts(project)[JobKind.EXTRACT],
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in ClaimStatus.choices
            ],
            "form": DocumentForm(),
            "returned": returned_claims(project, request.user)[:20],
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
