"""Organisations: only their admins see and change them; a project joins only when someone
who administers both adds it."""

import io

import pytest
from django.core.management import CommandError, call_command

from annotations.models import AuditEvent, Organisation, Role

from .support.factories import MembershipFactory, OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(admin):
    return OrganisationFactory(slug="acme", name="Acme News", admins=[admin])


def test_creating_an_organisation_makes_you_its_admin(api, admin):
    response = api(admin).post(
        "/api/organisations/", {"name": "Acme News", "url": "https://acme.example/"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["url"], body["admins"], body["projects"]) == (
        "Acme News",
        "https://acme.example/",
        ["ada"],
        [],
    )
    assert AuditEvent.objects.filter(object_type="organisation", action="create").exists()
    assert [o["slug"] for o in api(admin).get("/api/organisations/").json()] == [body["slug"]]


def test_it_refuses_a_url_that_is_not_http(api, admin):
    response = api(admin).post(
        "/api/organisations/", {"name": "Acme", "url": "javascript:alert(1)"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "url"


def test_an_admin_adds_a_project_she_administers(api, project, admin, organisation):
    project.organisation = None
    project.save()
    url = f"/api/organisations/{organisation.slug}/projects/"
    response = api(admin).post(url, {"project": project.slug}, format="json")
    assert response.status_code == 201, response.json()
    project.refresh_from_db()
    assert project.organisation == organisation
    assert api(admin).get(url).json() == [{"slug": project.slug, "name": project.name}]
    assert api(admin).get(f"/api/projects/{project.slug}/").json()["organisation"] == "acme"
    event = AuditEvent.objects.filter(object_type="project").latest("id")
    assert (event.before, event.after) == ({"organisation": None}, {"organisation": "acme"})


def test_she_cannot_add_a_project_she_only_works_on(api, project, admin, organisation):
    """Editors and annotators of a project cannot bring it into an organisation, and an
    unknown project gets the same answer: the form tells nobody which projects exist."""
    other = ProjectFactory(organisation=None)
    MembershipFactory(project=other, user=admin, role=Role.EDITOR)
    url = f"/api/organisations/{organisation.slug}/projects/"
    for slug in (other.slug, "no-such-project"):
        response = api(admin).post(url, {"project": slug}, format="json")
        assert response.status_code == 400
        assert response.json()["field"] == "project"
    other.refresh_from_db()
    assert other.organisation is None


def test_a_project_of_another_organisation_must_be_taken_out_first(
    api, project, admin, organisation
):
    response = api(admin).post(
        f"/api/organisations/{organisation.slug}/projects/",
        {"project": project.slug},
        format="json",
    )
    assert response.status_code == 400
    assert project.organisation.name in response.json()["detail"]
    project.refresh_from_db()
    assert project.organisation != organisation


def test_an_admin_takes_a_project_out(api, project, admin, organisation):
    project.organisation = organisation
    project.save()
    response = api(admin).delete(f"/api/organisations/acme/projects/{project.slug}/")
    assert response.status_code == 204
    project.refresh_from_db()
    assert project.organisation is None


def test_admins_add_and_remove_admins_but_not_the_last(api, admin, organisation):
    dora = UserFactory(username="dora")
    url = "/api/organisations/acme/admins/"
    ghost = api(admin).post(url, {"username": "ghost"}, format="json")
    assert ghost.status_code == 400
    assert ghost.json()["field"] == "username"
    assert "There is no user called 'ghost'." in ghost.json()["detail"]
    assert api(admin).post(url, {"username": "dora"}, format="json").status_code == 201
    assert [a["username"] for a in api(dora).get(url).json()] == ["ada", "dora"]
    assert api(dora).delete(f"{url}ada/").status_code == 204
    response = api(dora).delete(f"{url}dora/")
    assert response.status_code == 400
    assert "An organisation needs an admin" in response.json()["detail"]
    assert list(organisation.admins.all()) == [dora]


def test_others_do_not_see_the_organisation(api, project, admin, editor, stranger, organisation):
    """Members of its projects, other organisations' admins and strangers all get 404."""
    project.organisation = organisation
    project.save()
    other_admin = UserFactory(username="other_org_admin")
    OrganisationFactory(admins=[other_admin])
    base = "/api/organisations/acme/"
    for user in (editor, stranger, other_admin):
        client = api(user)
        assert client.get(base).status_code == 404
        assert client.patch(base, {"name": "Mine"}, format="json").status_code == 404
        assert client.get(f"{base}admins/").status_code == 404
        assert client.post(f"{base}admins/", {"username": user.username}).status_code == 404
        assert client.delete(f"{base}admins/ada/").status_code == 404
        assert client.post(f"{base}projects/", {"project": project.slug}).status_code == 404
        assert client.delete(f"{base}projects/{project.slug}/").status_code == 404
        assert [o["slug"] for o in client.get("/api/organisations/").json()] == (
            []
            if user != other_admin
            else [o.slug for o in other_admin.administered_organisations.all()]
        )
    organisation.refresh_from_db()
    assert organisation.name == "Acme News"
    assert list(organisation.admins.all()) == [admin]
    assert api(None).get("/api/organisations/").status_code in (401, 403)


def test_the_pages_create_and_manage_an_organisation(client, project, admin):
    project.organisation = None
    project.save()
    UserFactory(username="dora")
    client.force_login(admin)
    assert client.get("/organisations/").status_code == 200
    response = client.post("/organisations/", {"name": "Acme News", "url": ""})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Acme News")
    page = f"/organisations/{organisation.slug}/"
    html = client.get(page).content.decode()
    assert project.name in html  # offered to be added

    assert client.post(f"{page}projects/", {"project-project": project.slug}).status_code == 302
    project.refresh_from_db()
    assert project.organisation == organisation
    assert client.post(f"{page}admins/", {"admin-username": "dora"}).status_code == 302
    assert organisation.admins.filter(username="dora").exists()
    response = client.post(f"{page}admins/", {"admin-username": "ghost"})
    assert response.status_code == 400 and "ghost" in response.content.decode()
    assert client.post(page, {"name": "Acme", "url": "https://acme.example/"}).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.url) == ("Acme", "https://acme.example/")
    response = client.post(page, {"name": "Acme", "url": "ftp://acme.example/"})
    assert response.status_code == 400
    assert "use one starting with http:// or https://" in response.content.decode()

    assert client.post(f"{page}projects/{project.slug}/remove/").status_code == 302
    project.refresh_from_db()
    assert project.organisation is None
    assert client.post(f"{page}admins/dora/remove/").status_code == 302
    assert list(organisation.admins.values_list("username", flat=True)) == ["ada"]
    client.post(f"{page}admins/ada/remove/")  # the last admin stays
    assert list(organisation.admins.values_list("username", flat=True)) == ["ada"]


def test_the_pages_are_404_for_everyone_but_its_admins(
    client, project, admin, editor, stranger, organisation
):
    project.organisation = organisation
    project.save()
    page = "/organisations/acme/"
    for user in (editor, stranger):
        client.force_login(user)
        assert client.get(page).status_code == 404
        for action in ("", "admins/", "admins/ada/remove/", "projects/"):
            assert client.post(f"{page}{action}", {"name": "Mine"}).status_code == 404
        assert client.post(f"{page}projects/{project.slug}/remove/").status_code == 404
        assert "Acme News" not in client.get("/organisations/").content.decode()
    project.refresh_from_db()
    assert project.organisation == organisation
    client.logout()
    assert client.get(page).status_code == 302


def test_a_stranger_cannot_add_someone_elses_project_through_the_page(client, project, stranger):
    project.organisation = None
    project.save()
    client.force_login(stranger)
    client.post("/organisations/", {"name": "Mallory's"})
    mine = Organisation.objects.get(name="Mallory's")
    client.post(f"/organisations/{mine.slug}/projects/", {"project-project": project.slug})
    project.refresh_from_db()
    assert project.organisation is None


def test_the_command_line_does_what_the_pages_do(project, admin, stranger):
    project.organisation = None
    project.save()

    def run(*args) -> str:
        out = io.StringIO()
        call_command("organisations", *args, stdout=out)
        return out.getvalue()

    run("create", "Acme News", "--url", "https://acme.example/", "--as", "ada")
    organisation = Organisation.objects.get(name="Acme News")
    run("add-project", organisation.slug, project.slug, "--as", "ada")
    project.refresh_from_db()
    assert project.organisation == organisation
    with pytest.raises(CommandError, match="administers no organisation"):
        run("remove-project", organisation.slug, project.slug, "--as", stranger.username)
    with pytest.raises(CommandError, match="only a project's admins"):
        run("add-project", organisation.slug, "no-such-project", "--as", "ada")
    # The operator rescues an organisation whose admins have left.
    run("add-admin", organisation.slug, stranger.username)
    run("remove-admin", organisation.slug, "ada")
    with pytest.raises(CommandError, match="needs an admin"):
        run("remove-admin", organisation.slug, stranger.username)
    listing = run("list")
    assert "Acme News" in listing and project.slug in listing and stranger.username in listing
