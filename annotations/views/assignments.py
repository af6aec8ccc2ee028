from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .. import access
from ..assignments import (
    annotator_loads,
    assign_claims,
    assign_document,
    distribute_claims,
    unassign,
)
from ..errors import InvalidInput
from ..forms import AssignForm
from ..models import Assignment, Claim


@login_required
def assignments(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    form = AssignForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = get_user_model().objects.get(username=data["user"])
        try:
            if data["document"]:
                document = get_object_or_404(project.documents.defer("text"), pk=data["document"])
                created = assign_document(project, request.user, user, document)
            else:
                claims = [Claim(pk=pk) for pk in data["claims"]]
                created = assign_claims(project, request.user, user, claims)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{len(created)} claims assigned to {user.username}.")
            return redirect("annotations:assignments", slug=project.slug)
    loads = annotator_loads(project)
    names = dict(get_user_model().objects.filter(pk__in=loads).values_list("pk", "username"))
    recent = (
        Assignment.objects.filter(claim__project=project)
        .select_related("claim", "user", "assigned_by")
        .order_by("-created_at", "-id")
    )
    return TemplateResponse(
        request,
        "annotations/assignments.html",
        {
            "project": project,
            "membership": membership,
            "form": form,
            "loads": sorted((names[pk], n) for pk, n in loads.items()),
            "page": Paginator(recent, 50).get_page(request.GET.get("page")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def assignments_distribute(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.get_project_for_user(request.user, slug, review=True)
    try:
        created = distribute_claims(project, request.user)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{len(created)} assignments made.")
    return redirect("annotations:assignments", slug=project.slug)


@login_required
@require_POST
def assignment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, _ = access.get_project_for_user(request.user, slug, review=True)
    assignment = get_object_or_404(
        Assignment.objects.select_related("claim__project"), pk=pk, claim__project=project
    )
    unassign(assignment, request.user)
    messages.success(request, "Assignment removed.")
    return redirect("annotations:assignments", slug=project.slug)
