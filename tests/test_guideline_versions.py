import pytest

from annotations.models import AuditEvent, GuidelineVersion
from annotations.projects import create_project

from .support.factories import ClaimFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_project_starts_at_version_1(db):
    project = create_project(UserFactory(), name="Desk", guidelines="Be fair.")
    assert list(project.guideline_versions.values_list("number", "text")) == [(1, "Be fair.")]


def test_editing_the_guidelines_makes_a_new_version(api, db):
    ada = UserFactory(username="ada")
    project = create_project(ada, name="Desk", guidelines="Be fair.")
    response = api(ada).patch(
        f"/api/projects/{project.slug}/", {"guidelines": "Be fair and quick."}, format="json"
    )
    assert response.status_code == 200
    versions = list(project.guideline_versions.order_by("number").values_list("number", "text"))
    assert versions == [(1, "Be fair."), (2, "Be fair and quick.")]
    assert AuditEvent.objects.filter(object_type="guidelineversion", action="create").count() == 2


def test_other_edits_make_no_new_version(api, db):
    ada = UserFactory(username="ada")
    project = create_project(ada, name="Desk", guidelines="Be fair.")
    api(ada).patch(f"/api/projects/{project.slug}/", {"name": "Desk 2"}, format="json")
    assert project.guideline_versions.count() == 1


def test_each_annotation_records_the_version_it_was_made_under(api, project, admin, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    url = f"/api/claims/{claim.pk}/annotation/"
    first = api(annotator).put(url, {"rationale": "a", "version": 0}, format="json").json()
    assert first["guideline_version"] == 1
    api(admin).patch(f"/api/projects/{project.slug}/", {"guidelines": "New rules"}, format="json")
    assert GuidelineVersion.objects.filter(project=project).count() == 2
    second = api(annotator).put(url, {"rationale": "b", "version": 1}, format="json").json()
    assert second["guideline_version"] == 2


def test_the_settings_page_also_versions_the_guidelines(client, project, admin):
    client.force_login(admin)
    form = {
        "name": project.name,
        "guidelines": "Changed on the page",
        "rating_scale": project.rating_scale_id,
        "annotations_per_claim": 1,
        "checkworthiness_threshold": 0.5,
        "match_threshold": 0.6,
        "scorer": "light",
        "queue_order": "score",
    }
    assert client.post(f"/projects/{project.slug}/settings/", form).status_code == 302
    assert project.guideline_versions.get(number=2).text == "Changed on the page"
