"""People: the administrators' page of accounts (create, invite, reset a password,
deactivate), and the pages an invitation link opens. Links are shown to be copied: nothing
is e-mailed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .. import access
from ..errors import InvalidInput
from ..forms import AcceptInvitationForm, AccountForm, SiteInvitationForm
from ..models import Invitation, Membership
from ..people import (
    accept_invitation,
    create_account,
    create_invitation,
    invitation_url,
    open_invitation,
    password_reset_url,
    reset_link_days,
    revoke_invitation,
    set_active,
)


def show_link(request: HttpRequest, text: str, path: str) -> None:
    """Keep a link to copy for the page the next redirect shows (once)."""
    request.session["link_to_copy"] = {"text": text, "url": request.build_absolute_uri(path)}


def log_in(request: HttpRequest) -> HttpResponse:
    """Django's login page, saying too where accounts come from: an administrator of the
    workbench, or, on an install that has none yet, `manage.py createsuperuser`."""
    administrators = get_user_model().objects.filter(is_superuser=True, is_active=True)
    view = auth_views.LoginView.as_view(
        extra_context={"no_administrator": not administrators.exists()}
    )
    return view(request)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    access.check_site_admin(request.user)
    form = AccountForm(request.POST or None, prefix="account")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = create_account(
                request.user,
                data["username"],
                password=data["password"],
                project=data["project"],
                role=data["role"],
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if data["password"]:
                messages.success(request, f"Account {user.username} created.")
            else:
                show_link(
                    request,
                    f"Account {user.username} created. Give them this link to choose their "
                    f"password (it works once, for {reset_link_days()} days):",
                    password_reset_url(request.user, user),
                )
            return redirect("annotations:people")
    return people_page(request, account_form=form)


def people_page(
    request: HttpRequest,
    *,
    account_form: AccountForm | None = None,
    invitation_form: SiteInvitationForm | None = None,
) -> TemplateResponse:
    memberships = Membership.objects.select_related("project").order_by("project__name")
    accounts = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
    )
    invitations = Invitation.objects.select_related("project", "created_by").filter(
        accepted_at=None, revoked=False
    )
    bad = any(f is not None and f.errors for f in (account_form, invitation_form))
    return TemplateResponse(
        request,
        "annotations/people.html",
        {
            "accounts": accounts,
            "account_form": account_form or AccountForm(prefix="account"),
            "invitation_form": invitation_form or SiteInvitationForm(prefix="invitation"),
            "invitations": [
                (i, request.build_absolute_uri(invitation_url(i))) for i in invitations if i.is_open
            ],
            "link": request.session.pop("link_to_copy", None),
        },
        status=400 if bad else 200,
    )


@login_required
@require_POST
def people_invite(request: HttpRequest) -> HttpResponse:
    access.check_site_admin(request.user)
    form = SiteInvitationForm(request.POST, prefix="invitation")
    if not form.is_valid():
        return people_page(request, invitation_form=form)
    invitation = create_invitation(request.user, **form.cleaned_data)
    show_link(request, invitation_text(invitation), invitation_url(invitation))
    return redirect("annotations:people")


def invitation_text(invitation: Invitation) -> str:
    where = f" to {invitation.project.name} as {invitation.get_role_display().lower()}"
    return (
        f"Invitation{where if invitation.project else ''} created. Give this link to the person "
        f"it is for (it works once, until {invitation.expires_at:%d %b %Y}):"
    )


@login_required
@require_POST
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset link, deactivate or reactivate one account."""
    access.check_site_admin(request.user)
    person = get_object_or_404(get_user_model(), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "reset":
            show_link(
                request,
                f"Give {person.username} this link to choose a new password (it works once, "
                f"for {reset_link_days()} days):",
                password_reset_url(request.user, person),
            )
        elif action in ("deactivate", "activate"):
            set_active(request.user, person, action == "activate")
            state = "reactivated" if action == "activate" else "deactivated"
            messages.success(request, f"{person.username} {state}.")
        else:
            messages.error(request, "Choose what to do with this account.")
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect("annotations:people")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an invitation: site administrators any, a project's admins their project's."""
    invitation = get_object_or_404(Invitation.objects.select_related("project"), pk=pk)
    if invitation.project is None or request.user.is_staff:
        access.check_site_admin(request.user)
        back = redirect("annotations:people")
    else:
        access.get_project_for_user(request.user, invitation.project.slug, admin=True)
        back = redirect("annotations:members", slug=invitation.project.slug)
    revoke_invitation(request.user, invitation)
    messages.success(request, "Invitation withdrawn: its link no longer works.")
    return back


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens: the invitee chooses a username and password."""
    try:
        invitation = open_invitation(token)
    except InvalidInput as exc:
        return TemplateResponse(
            request, "annotations/invitation.html", {"problem": exc.message}, status=404
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and not request.user.is_authenticated and form.is_valid():
        data = form.cleaned_data
        try:
            user = accept_invitation(token, data["username"], data["password"])
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}: your account is ready.")
            if invitation.project is not None:
                return redirect("annotations:project-detail", slug=invitation.project.slug)
            return redirect("annotations:project-list")
    return TemplateResponse(
        request,
        "annotations/invitation.html",
        {"invitation": invitation, "form": form},
        status=400 if form.errors else 200,
    )
