"""Accounts, invitations and password links: the rules behind the People page."""

import datetime

import pytest
from django.utils import timezone

from annotations.errors import InvalidInput
from annotations.models import Invitation
from annotations.people import (
    accept_invitation,
    create_account,
    create_invitation,
    invitation_url,
    set_active,
)

from .support.factories import UserFactory

pytestmark = pytest.mark.django_db


def token_of(invitation: Invitation) -> str:
    return invitation_url(invitation).rstrip("/").rsplit("/", 1)[1]


def test_usernames_are_unique_whatever_the_case(db):
    root = UserFactory(is_staff=True)
    create_account(root, "Dora")
    with pytest.raises(InvalidInput, match="already an account called 'dora'"):
        create_account(root, "dora")


def test_a_weak_password_is_refused_with_the_reason(db):
    with pytest.raises(InvalidInput, match="too common") as refused:
        create_account(UserFactory(is_staff=True), "dora", password="password123")
    assert refused.value.field == "password"


def test_an_invitation_works_once_and_not_after_it_expires(project):
    invitation = create_invitation(UserFactory(), project=project, role="editor")
    user = accept_invitation(token_of(invitation), "eve", "night shift passphrase")
    assert project.role_of(user) == "editor"
    with pytest.raises(InvalidInput, match="used already"):
        accept_invitation(token_of(invitation), "eve2", "night shift passphrase")
    late = create_invitation(UserFactory())
    Invitation.objects.filter(pk=late.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    with pytest.raises(InvalidInput, match="expired"):
        accept_invitation(token_of(late), "frank", "night shift passphrase")
    with pytest.raises(InvalidInput, match="not valid"):
        accept_invitation(token_of(late)[:-2] + "xx", "frank", "night shift passphrase")


def test_the_last_administrator_and_oneself_stay_active(db):
    root = UserFactory(is_staff=True, is_superuser=True)
    other = UserFactory(is_staff=True)
    with pytest.raises(InvalidInput, match="own account"):
        set_active(root, root, False)
    with pytest.raises(InvalidInput, match="last active administrator"):
        set_active(other, root, False)


def test_people_pages_are_for_administrators(client, project, admin, stranger):
    client.force_login(admin)  # a project's admin is not the installation's
    assert client.get("/people/").status_code == 403
    assert client.post("/people/invite/", {"invitation-role": "annotator"}).status_code == 403
    assert client.post(f"/people/{stranger.pk}/", {"action": "deactivate"}).status_code == 403
    stranger.refresh_from_db()
    assert stranger.is_active


def test_a_project_admin_invites_only_to_their_project(client, project, annotator, stranger):
    client.force_login(annotator)
    response = client.post(f"/projects/{project.slug}/invitations/", {"invitation-role": "admin"})
    assert response.status_code == 403
    client.force_login(stranger)
    response = client.post(f"/projects/{project.slug}/invitations/", {"invitation-role": "admin"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()
