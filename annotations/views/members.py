from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .. import access
from ..errors import InvalidInput
from ..forms import InviteForm, RoleForm
from ..models import Role
from ..projects import change_role, invite_member, remove_member


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug, admin=True)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite_member(project, request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_error("username", exc.message)
        else:
            messages.success(request, f"{form.cleaned_data['username']} added.")
            return redirect("annotations:members", slug=project.slug)
    return TemplateResponse(
        request,
        "annotations/members.html",
        {
            "project": project,
            "membership": membership,
            "members": project.memberships.select_related("user").order_by("user__username"),
            "form": form,
            "roles": Role.choices,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def member_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, _ = access.get_project_for_user(request.user, slug, admin=True)
    target = get_object_or_404(project.memberships.select_related("user"), pk=pk)
    form = RoleForm(request.POST)
    try:
        if request.POST.get("remove"):
            remove_member(project, request.user, target)
            messages.success(request, f"{target.user.username} removed.")
        elif form.is_valid():
            role = Role(form.cleaned_data["role"])
            change_role(project, request.user, target, role)
            messages.success(request, f"{target.user.username}'s role is now {role.label}.")
        else:
            messages.error(request, "Choose a role.")
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect("annotations:members", slug=project.slug)
