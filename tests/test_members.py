import pytest

from annotations.models import AuditEvent, Membership, Role

from .conftest import member
from .support.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(project, who=""):
    return f"/api/projects/{project.slug}/members/" + (f"{who}/" if who else "")


def test_an_admin_invites_an_existing_user(api, project, admin):
    UserFactory(username="dora")
    response = api(admin).post(url(project), {"username": "dora", "role": "editor"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["username"] == "dora"
    assert project.memberships.get(user__username="dora").role == Role.EDITOR
    event = AuditEvent.objects.get(object_type="membership", action="create")
    assert event.after == {"user": "dora", "role": "editor"}


def test_it_refuses_an_unknown_user_or_role(api, project, admin):
    response = api(admin).post(url(project), {"username": "nobody"}, format="json")
    assert response.status_code == 400
    assert "nobody" in response.json()["detail"]
    UserFactory(username="dora")
    response = api(admin).post(url(project), {"username": "dora", "role": "boss"}, format="json")
    assert response.status_code == 400
    assert "annotator" in response.json()["detail"]


def test_it_refuses_to_invite_a_member_twice(api, project, admin, annotator):
    response = api(admin).post(url(project), {"username": "alice", "role": "admin"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "username"
    assert "alice is already a member" in response.json()["detail"]
    assert project.memberships.get(user=annotator).role == Role.ANNOTATOR


def test_an_admin_changes_a_role_by_username_or_id(api, project, admin, annotator):
    response = api(admin).patch(url(project, "alice"), {"role": "editor"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "editor"
    membership = project.memberships.get(user=annotator)
    response = api(admin).patch(url(project, membership.pk), {"role": "annotator"}, format="json")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_type="membership", action="update").last()
    assert event.before == {"user": "alice", "role": "editor"}
    assert event.after == {"user": "alice", "role": "annotator"}


def test_an_admin_removes_a_member(api, project, admin, annotator):
    response = api(admin).delete(url(project, "alice"))
    assert response.status_code == 204
    assert not project.memberships.filter(user=annotator).exists()
    assert AuditEvent.objects.filter(object_type="membership", action="delete").exists()


def test_the_last_admin_cannot_leave_or_be_demoted(api, project, admin):
    demoted = api(admin).patch(url(project, "ada"), {"role": "editor"}, format="json")
    assert demoted.status_code == 400
    assert "A project needs an admin" in demoted.json()["detail"]
    removed = api(admin).delete(url(project, "ada"))
    assert removed.status_code == 400
    assert "A project needs an admin" in removed.json()["detail"]
    assert project.memberships.get(user=admin).role == Role.ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(api, project, admin):
    member(project, Role.ADMIN, "adele")
    assert (
        api(admin).patch(url(project, "ada"), {"role": "editor"}, format="json").status_code == 200
    )


def test_editors_list_members_but_cannot_change_them(api, project, editor, annotator):
    response = api(editor).get(url(project))
    assert response.status_code == 200
    assert [m["username"] for m in response.json()] == ["alice", "erin"]
    assert (
        api(editor).patch(url(project, "alice"), {"role": "admin"}, format="json").status_code
        == 403
    )
    assert api(editor).post(url(project), {"username": "alice"}, format="json").status_code == 403


def test_annotators_get_403(api, project, annotator):
    assert api(annotator).get(url(project)).status_code == 403
    assert api(annotator).delete(url(project, "alice")).status_code == 403


def test_strangers_get_404(api, project, admin, stranger):
    assert api(stranger).get(url(project)).status_code == 404
    assert (
        api(stranger).post(url(project), {"username": "charlie"}, format="json").status_code == 404
    )
    assert (
        api(stranger).patch(url(project, "ada"), {"role": "editor"}, format="json").status_code
        == 404
    )
    assert api(stranger).delete(url(project, "ada")).status_code == 404


def test_the_members_page_invites_changes_and_removes(client, project, admin, annotator):
    UserFactory(username="dora")
    client.force_login(admin)
    page = f"/projects/{project.slug}/members/"
    assert client.get(page).status_code == 200
    response = client.post(page, {"username": "dora", "role": "annotator"})
    assert response.status_code == 302
    dora = Membership.objects.get(project=project, user__username="dora")
    client.post(f"{page}{dora.pk}/", {"role": "editor"})
    dora.refresh_from_db()
    assert dora.role == Role.EDITOR
    client.post(f"{page}{dora.pk}/", {"remove": "1"})
    assert not Membership.objects.filter(pk=dora.pk).exists()


def test_the_members_page_shows_an_unknown_username(client, project, admin):
    client.force_login(admin)
    response = client.post(
        f"/projects/{project.slug}/members/", {"username": "ghost", "role": "annotator"}
    )
    assert response.status_code == 400
    assert "ghost" in response.content.decode()


def test_the_members_page_is_changed_by_admins_only(client, project, editor, annotator, stranger):
    page = f"/projects/{project.slug}/members/"
    for user, code in ((editor, 403), (annotator, 403), (stranger, 404)):
        client.force_login(user)
        assert client.post(page, {"username": "charlie", "role": "admin"}).status_code == code
    assert not Membership.objects.filter(user__username="charlie").exists()


def test_editors_read_the_members_page_as_they_read_the_api(
    api, client, project, admin, editor, annotator, stranger
):
    """Editors assign work to the members, so both the page and the API list them; neither
    lets them change the list, and annotators and strangers get the same answer from both."""
    page = f"/projects/{project.slug}/members/"
    client.force_login(admin)
    invited = client.post(
        f"/projects/{project.slug}/invitations/", {"invitation-role": "annotator"}
    )
    assert invited.status_code == 302
    for user, code in ((editor, 200), (annotator, 403), (stranger, 404)):
        client.force_login(user)
        response = client.get(page)
        assert response.status_code == api(user).get(url(project)).status_code == code
    client.force_login(editor)
    html = client.get(page).content.decode()
    assert "alice" in html and "erin" in html
    # No controls, and no open invitation links: those let anyone join.
    assert "Change role" not in html and "Remove alice" not in html
    assert "/invitations/" not in html
