import pytest

from annotations.models import Assignment, AuditEvent, Claim, Role

from .conftest import member
from .support.factories import ClaimFactory, DocumentFactory
from .support.reviewing import claim_in_review

pytestmark = pytest.mark.django_db


def claims_of(project, n):
    document = DocumentFactory(project=project)
    return [ClaimFactory(document=document, score=1 - i / 100) for i in range(n)]


def test_an_editor_assigns_claims_to_an_annotator(api, project, editor, annotator):
    claims = claims_of(project, 3)
    response = api(editor).post(
        f"/api/projects/{project.slug}/assignments/",
        {"user": "alice", "claims": [claims[0].pk, claims[1].pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert {row["claim"] for row in response.json()} == {claims[0].pk, claims[1].pk}
    assert set(Claim.objects.assigned_to(annotator)) == {claims[0], claims[1]}
    events = AuditEvent.objects.filter(object_type="assignment", action="create")
    assert events.count() == 2
    assert events.first().actor == editor


def test_assigning_twice_adds_nothing(api, project, editor, annotator):
    claim = claims_of(project, 1)[0]
    body = {"user": "alice", "claims": [claim.pk]}
    api(editor).post(f"/api/projects/{project.slug}/assignments/", body, format="json")
    response = api(editor).post(f"/api/projects/{project.slug}/assignments/", body, format="json")
    assert response.json() == []
    assert Assignment.objects.count() == 1


def test_an_editor_assigns_a_whole_document(api, project, editor, annotator):
    claims = claims_of(project, 2)
    response = api(editor).post(
        f"/api/projects/{project.slug}/assignments/",
        {"user": "alice", "document": claims[0].document_id},
        format="json",
    )
    assert response.status_code == 201
    assert Assignment.objects.filter(user=annotator).count() == 2


def test_it_rejects_other_projects_claims_and_non_members(
    api, project, editor, annotator, stranger
):
    other = ClaimFactory()
    response = api(editor).post(
        f"/api/projects/{project.slug}/assignments/",
        {"user": "alice", "claims": [other.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "claims"
    assert "not in this project" in response.json()["detail"]
    mine = claims_of(project, 1)[0]
    response = api(editor).post(
        f"/api/projects/{project.slug}/assignments/",
        {"user": "charlie", "claims": [mine.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "members" in response.json()["detail"]


def test_it_refuses_claims_already_in_review(api, project, editor, annotator):
    claim = claim_in_review(project, (annotator, "false"))
    response = api(editor).post(
        f"/api/projects/{project.slug}/assignments/",
        {"user": "alice", "claims": [claim.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "claims"
    assert "already in review or decided" in response.json()["detail"]


def test_distribution_is_fair_and_respects_the_overlap(api, project, editor):
    project.annotations_per_claim = 2
    project.save()
    annotators = [member(project, Role.ANNOTATOR, name) for name in ("alice", "bruno", "chloe")]
    claims_of(project, 9)
    response = api(editor).post(
        f"/api/projects/{project.slug}/assignments/distribute/", {}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 18}
    loads = [Assignment.objects.filter(user=user).count() for user in annotators]
    assert loads == [6, 6, 6]
    per_claim = {
        Assignment.objects.filter(claim=c).values("user").distinct().count()
        for c in Claim.objects.all()
    }
    assert per_claim == {2}
    # Nothing left to distribute.
    again = api(editor).post(
        f"/api/projects/{project.slug}/assignments/distribute/", {}, format="json"
    )
    assert again.json() == {"created": 0}


def test_distribution_favours_the_least_loaded(project, editor):
    from annotations.assignments import assign_claims, distribute_claims

    alice = member(project, Role.ANNOTATOR, "alice")
    bruno = member(project, Role.ANNOTATOR, "bruno")
    claims = claims_of(project, 4)
    assign_claims(project, editor, alice, claims[:2])
    distribute_claims(project, editor)
    # Both open claims go to bruno, who had none, until he catches up with alice.
    assert Assignment.objects.filter(user=alice).count() == 2
    assert Assignment.objects.filter(user=bruno).count() == 2


def test_an_editor_unassigns(api, project, editor, annotator):
    claim = claims_of(project, 1)[0]
    api(editor).post(
        f"/api/projects/{project.slug}/assignments/",
        {"user": "alice", "claims": [claim.pk]},
        format="json",
    )
    assignment = Assignment.objects.get()
    assert api(editor).delete(f"/api/assignments/{assignment.pk}/").status_code == 204
    assert not Assignment.objects.exists()
    assert AuditEvent.objects.filter(object_type="assignment", action="delete").exists()


def test_annotators_get_403(api, client, project, annotator):
    assert api(annotator).get(f"/api/projects/{project.slug}/assignments/").status_code == 403
    assert (
        api(annotator).post(f"/api/projects/{project.slug}/assignments/distribute/").status_code
        == 403
    )
    client.force_login(annotator)
    assert client.get(f"/projects/{project.slug}/assignments/").status_code == 403


def test_strangers_get_404(api, client, project, editor, annotator, stranger):
    claim = claims_of(project, 1)[0]
    api(editor).post(
        f"/api/projects/{project.slug}/assignments/",
        {"user": "alice", "claims": [claim.pk]},
        format="json",
    )
    assignment = Assignment.objects.get()
    assert api(stranger).get(f"/api/projects/{project.slug}/assignments/").status_code == 404
    assert (
        api(stranger).post(f"/api/projects/{project.slug}/assignments/distribute/").status_code
        == 404
    )
    assert api(stranger).delete(f"/api/assignments/{assignment.pk}/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/projects/{project.slug}/assignments/").status_code == 404
    assert (
        client.post(f"/projects/{project.slug}/assignments/{assignment.pk}/delete/").status_code
        == 404
    )


def test_the_assignments_page_assigns_and_distributes(client, project, editor, annotator):
    claims = claims_of(project, 3)
    client.force_login(editor)
    page = f"/projects/{project.slug}/assignments/"
    assert client.get(page).status_code == 200
    response = client.post(page, {"user": "alice", "claims": f"{claims[0].pk}, {claims[1].pk}"})
    assert response.status_code == 302
    assert Assignment.objects.count() == 2
    client.post(f"{page}distribute/")
    assert Assignment.objects.count() == 3
    response = client.post(page, {"user": "alice", "claims": "one"})
    assert response.status_code == 400
    body = client.get(page).content.decode()
    assert "alice" in body and claims[2].text[:20] in body
