"""Accounts: created by an administrator, or by the person through an invitation link; a
password reset link an administrator hands over; deactivation. Nothing is e-mailed: links
are shown to be copied, so an air-gapped newsroom can use them too."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .audit import record_event
from .errors import InvalidInput
from .models import Invitation, Membership, Project, Role

INVITATION_SALT = "annotations.invitation"
INVITATION_DAYS = 7


def person_record(user) -> dict:
    return {"username": user.username, "is_active": user.is_active, "is_staff": user.is_staff}


def check_new_username(username: str) -> str:
    username = (username or "").strip()
    field = get_user_model()._meta.get_field("username")
    try:
        field.run_validators(username)
        field.clean(username, None)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="username") from None
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"There is already an account called {username!r}.", field="username")
    return username


def check_password(password: str, user=None) -> str:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None
    return password


def join(project: Project | None, actor, user, role: str) -> None:
    if project is None:
        return
    membership = Membership.objects.create(project=project, user=user, role=role)
    record_event(
        actor, membership, "create", after={"user": user.username, "role": role}, project=project
    )


@transaction.atomic
def create_account(
    actor, username: str, *, password: str = "", project: Project | None = None, role: str = ""
):
    """An account an administrator creates. Without a password it cannot log in until its
    owner sets one through a reset link (password_reset_url)."""
    username = check_new_username(username)
    user = get_user_model()(username=username)
    if password:
        user.set_password(check_password(password, user))
    else:
        user.set_unusable_password()
    user.save()
    record_event(actor, user, "create", after=person_record(user), project=project)
    join(project, actor, user, role or Role.ANNOTATOR)
    return user


def create_invitation(
    actor, *, project: Project | None = None, role: str = Role.ANNOTATOR, note: str = ""
) -> Invitation:
    if role not in Role.values:
        raise InvalidInput(
            f"Unknown role {role!r}; use one of {', '.join(Role.values)}.", field="role"
        )
    invitation = Invitation.objects.create(
        project=project,
        role=role,
        note=note.strip()[:200],
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    record_event(
        actor,
        invitation,
        "create",
        after={
            "role": role,
            "note": invitation.note,
            "expires_at": invitation.expires_at.isoformat(),
        },
        project=project,
    )
    return invitation


def invitation_url(invitation: Invitation) -> str:
    """The invitation's link (a path), signed so it cannot be guessed from the id."""
    token = signing.dumps(invitation.pk, salt=INVITATION_SALT)
    return reverse("annotations:invitation-accept", args=[token])


def open_invitation(token: str) -> Invitation:
    """The invitation a link holds, if it can still be used; InvalidInput says why not."""
    max_age = datetime.timedelta(days=INVITATION_DAYS)
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise InvalidInput("This invitation has expired; ask for a new one.") from None
    except signing.BadSignature:
        raise InvalidInput(
            "This invitation link is not valid; check that it was copied whole."
        ) from None
    invitation = Invitation.objects.select_related("project").filter(pk=pk).first()
    if invitation is None or invitation.revoked:
        raise InvalidInput("This invitation was withdrawn; ask for a new one.")
    if invitation.accepted_at is not None:
        raise InvalidInput("This invitation has been used already; log in instead.")
    if invitation.expires_at <= timezone.now():
        raise InvalidInput("This invitation has expired; ask for a new one.")
    return invitation


def accept_invitation(token: str, username: str, password: str):
    """Create the invitee's account (and membership); the link then stops working."""
    with transaction.atomic():
        invitation = open_invitation(token)
        # Two tabs accepting the same link: only one account.
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=invitation.pk)
        )
        if invitation.accepted_at is not None:
            raise InvalidInput("This invitation has been used already; log in instead.")
        username = check_new_username(username)
        user = get_user_model()(username=username)
        user.set_password(check_password(password, user))
        user.save()
        invitation.accepted_by, invitation.accepted_at = user, timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        record_event(user, user, "create", after=person_record(user), project=invitation.project)
        join(invitation.project, user, user, invitation.role)
    return user


def revoke_invitation(actor, invitation: Invitation) -> None:
    invitation.revoked = True
    invitation.save(update_fields=["revoked"])
    record_event(actor, invitation, "revoke", project=invitation.project)


def password_reset_url(actor, user) -> str:
    """A link (a path) with which the person sets a new password. It works once, and for
    PASSWORD_RESET_TIMEOUT; setting the password or logging in ends it."""
    if not user.is_active:
        raise InvalidInput(f"{user.username} is deactivated; reactivate the account first.")
    record_event(actor, user, "password_reset_link", after={"username": user.username})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def reset_link_days() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 86400


@transaction.atomic
def set_active(actor, user, active: bool):
    """Deactivate someone (they can no longer log in or use the API; their work stays), or
    reactivate them."""
    if user.pk == actor.pk and not active:
        raise InvalidInput("You cannot deactivate your own account.")
    if not active and user.is_superuser:
        others = (
            get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
        )
        if not others.exists():
            raise InvalidInput("This is the last active administrator; it stays active.")
    before = person_record(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        actor,
        user,
        "activate" if active else "deactivate",
        before=before,
        after=person_record(user),
    )
    return user
