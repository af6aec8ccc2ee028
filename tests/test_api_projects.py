import pytest

from annotations.models import AuditEvent, Membership

from .support.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_for_username_and_password(client, annotator):
    response = client.post(
        "/api/auth/token/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_it_refuses_anonymous_requests(client):
    assert client.get("/api/projects/").status_code == 401


def test_creator_becomes_admin_and_gets_the_six_point_scale(api, stranger):
    response = api(stranger).post("/api/projects/", {"name": "Election desk"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "election-desk"
    assert body["rating_scale"] == "six-point"
    assert [label["key"] for label in body["labels"]] == [
        "true",
        "mostly_true",
        "half_true",
        "mostly_false",
        "false",
        "pants_on_fire",
    ]
    assert Membership.objects.get(user=stranger).role == "admin"
    assert AuditEvent.objects.filter(object_type="project", action="create").exists()


def test_it_lists_only_my_projects(api, project, annotator):
    ProjectFactory(name="Someone else's")
    response = api(annotator).get("/api/projects/")
    assert [p["slug"] for p in response.json()] == [project.slug]


def test_stranger_gets_404_on_a_project(api, project, stranger):
    assert api(stranger).get(f"/api/projects/{project.slug}/").status_code == 404
    response = api(stranger).patch(f"/api/projects/{project.slug}/", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_only_admins_change_settings(api, project, annotator, editor, admin):
    url = f"/api/projects/{project.slug}/"
    for user in (annotator, editor):
        assert api(user).patch(url, {"name": "New"}, format="json").status_code == 403
    response = api(admin).patch(url, {"annotations_per_claim": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["annotations_per_claim"] == 2
    event = AuditEvent.objects.get(object_type="project", action="update")
    assert event.before == {"annotations_per_claim": 1}
    assert event.after == {"annotations_per_claim": 2}


def test_it_rejects_unknown_fields(api, project, admin):
    response = api(admin).patch(f"/api/projects/{project.slug}/", {"colour": "red"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "colour"


def test_it_switches_the_rating_scale(api, project, admin):
    response = api(admin).patch(
        f"/api/projects/{project.slug}/", {"rating_scale": "check"}, format="json"
    )
    assert response.status_code == 200
    assert [label["key"] for label in response.json()["labels"]] == [
        "verified",
        "inconclusive",
        "false",
    ]
