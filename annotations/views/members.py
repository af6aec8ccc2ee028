from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .. import access
from ..errors import InvalidInput
from ..forms import InvitationForm, InviteForm, RoleForm
from ..models import Membership, Project, Role
from ..people import create_invitation, invitation_url
from ..projects import change_role, invite_member, remove_member
from .people import invitation_text, show_link


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    # Editors read the list, as the API lets them: they assign work to these people.
    # Changing it is the admins'.
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    if request.method == "POST":
        access.check_role(membership, admin=True)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite_member(project, request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_error("username", exc.message)
        else:
            messages.success(request, f"{form.cleaned_data['username']} added.")
            return redirect("annotations:members", slug=project.slug)
    return members_page(request, project, membership, form=form)


def members_page(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    *,
    form: InviteForm | None = None,
    invitation_form: InvitationForm | None = None,
) -> TemplateResponse:
    form = form or InviteForm()
    invitation_form = invitation_form or InvitationForm(prefix="invitation")
    manage = membership.can_administer
    # Open invitation links let anyone join: only the admins see them.
    invitations = project.invitations.select_related("created_by").filter(
        accepted_at=None, revoked=False
    )
    return TemplateResponse(
        request,
        "annotations/members.html",
        {
            "project": project,
            "membership": membership,
            "members": project.memberships.select_related("user").order_by("user__username"),
            "form": form,
            "invitation_form": invitation_form,
            "manage": manage,
            "invitations": [
                (i, request.build_absolute_uri(invitation_url(i)))
                for i in (invitations if manage else [])
                if i.is_open
            ],
            "link": request.session.pop("link_to_copy", None) if manage else None,
            "roles": Role.choices,
        },
        status=400 if form.errors or invitation_form.errors else 200,
    )


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """An invitation link to this project, for someone without an account yet."""
    project, membership = access.get_project_for_user(request.user, slug, admin=True)
    form = InvitationForm(request.POST, prefix="invitation")
    if not form.is_valid():
        return members_page(request, project, membership, invitation_form=form)
    invitation = create_invitation(request.user, project=project, **form.cleaned_data)
    show_link(request, invitation_text(invitation), invitation_url(invitation))
    return redirect("annotations:members", slug=project.slug)


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
