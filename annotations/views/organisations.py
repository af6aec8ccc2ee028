"""Organisations: the page of those you administer, and each one's admins and projects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .. import access
from ..errors import InvalidInput
from ..forms import OrganisationAdminForm, OrganisationForm, OrganisationProjectForm
from ..models import Organisation, Project, Role
from ..organisations import (
    add_admin,
    add_project,
    create_organisation,
    remove_admin,
    remove_project,
    update_organisation,
)


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = create_organisation(request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(organisation)
    organisations = Organisation.objects.administered_by(request.user).prefetch_related("projects")
    return TemplateResponse(
        request,
        "annotations/organisation_list.html",
        {"organisations": organisations, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, slug)
    form = OrganisationForm(
        request.POST or None, initial={"name": organisation.name, "url": organisation.url}
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_organisation(organisation, request.user, form.cleaned_data)
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Saved.")
            return redirect(organisation)
    return organisation_page(request, organisation, form=form)


def organisation_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    form: OrganisationForm | None = None,
    admin_form: OrganisationAdminForm | None = None,
    project_form: OrganisationProjectForm | None = None,
) -> TemplateResponse:
    # The projects she may bring in: those she administers that belong to no organisation.
    addable = Project.objects.filter(
        memberships__user=request.user, memberships__role=Role.ADMIN, organisation=None
    )
    forms = {
        "form": form
        or OrganisationForm(initial={"name": organisation.name, "url": organisation.url}),
        "admin_form": admin_form or OrganisationAdminForm(prefix="admin"),
        "project_form": project_form or OrganisationProjectForm(prefix="project", projects=addable),
    }
    return TemplateResponse(
        request,
        "annotations/organisation_detail.html",
        {
            "organisation": organisation,
            "admins": organisation.admins.order_by("username"),
            "projects": organisation.projects.order_by("name"),
            **forms,
        },
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@login_required
@require_POST
def organisation_admin_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, slug)
    form = OrganisationAdminForm(request.POST, prefix="admin")
    if form.is_valid():
        try:
            user = add_admin(organisation, request.user, form.cleaned_data["username"])
        except InvalidInput as exc:
            form.add_error("username", exc.message)
        else:
            messages.success(request, f"{user.username} is now an admin of {organisation.name}.")
            return redirect(organisation)
    return organisation_page(request, organisation, admin_form=form)


@login_required
@require_POST
def organisation_admin_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, slug)
    user = get_object_or_404(get_user_model(), username=username)
    try:
        remove_admin(organisation, request.user, user)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{user.username} is no longer an admin of {organisation.name}.")
        if user == request.user:
            return redirect("annotations:organisation-list")
    return redirect(organisation)


@login_required
@require_POST
def organisation_project_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, slug)
    # Any slug is passed on: add_project answers alike for unknown and not-administered ones.
    slug = request.POST.get("project-project", "")
    try:
        project = add_project(organisation, request.user, slug)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{project.name} is now a project of {organisation.name}.")
    return redirect(organisation)


@login_required
@require_POST
def organisation_project_remove(request: HttpRequest, slug: str, project: str) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, slug)
    member = get_object_or_404(organisation.projects, slug=project)
    remove_project(organisation, request.user, member)
    messages.success(request, f"{member.name} is no longer a project of {organisation.name}.")
    return redirect(organisation)
