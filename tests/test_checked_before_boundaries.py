""" "Checked before?" shows a newsroom's checked claims to its own organisation only: a
stranger who names their project or organisation like another newsroom's reads none of it."""

import json

import pytest

from annotations.models import ClaimMatch, ClaimStatus, JobKind, Role

from .support.factories import (
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
)
from .support.jobs import run_queued_jobs
from .test_dataset_import import CLAIMREVIEW, export, upload

pytestmark = pytest.mark.django_db

VERDICT_TEXT = "Unemployment fell to 3.5 percent last year, the lowest in 50 years."
NEW_TEXT = (
    "The minister spoke on Monday. "
    "Last year unemployment dropped to 3.5 per cent, its lowest level in fifty years."
)
# What must never reach the stranger: the claim and where it was checked. (Its verdict is
# a label of her own scale too; the empty matches say she gets none.)
SECRETS = [
    VERDICT_TEXT,
    "acme-investigations",
    "Acme's unpublished payroll story",
    "https://acme.example/drafts/payroll",
]


@pytest.fixture
def acme():
    """Acme News: a newsroom whose project holds a checked claim."""
    alice = UserFactory(username="acme_admin")
    organisation = OrganisationFactory(slug="acme-news", name="Acme News", admins=[alice])
    project = ProjectFactory(
        slug="acme-investigations", name="Acme investigations", organisation=organisation
    )
    MembershipFactory(project=project, user=alice, role=Role.ADMIN)
    document = DocumentFactory(
        project=project,
        title="Acme's unpublished payroll story",
        url="https://acme.example/drafts/payroll",
        text=f"Draft. {VERDICT_TEXT}",
    )
    ClaimFactory(
        document=document,
        text=VERDICT_TEXT,
        status=ClaimStatus.APPROVED,
        final_verdict="pants_on_fire",
    )
    return project


def stranger_project(api, user, django_capture_on_commit_callbacks):
    """Everything a stranger can try to join Acme's organisation, then a document to match."""
    client = api(user)
    response = client.post(
        "/api/projects/", {"name": "Mallory desk", "match_threshold": 0.01}, format="json"
    )
    assert response.status_code == 201, response.json()
    slug = response.json()["slug"]
    # Typing the name: the project's old free-text organisation is no setting any more.
    client.patch(f"/api/projects/{slug}/", {"organisation_name": "acme news"}, format="json")
    # An organisation of the same name is a different organisation.
    response = client.post("/api/organisations/", {"name": "Acme News"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] != "acme-news"
    own = response.json()["slug"]
    assert (
        client.post(
            f"/api/organisations/{own}/projects/", {"project": slug}, format="json"
        ).status_code
        == 201
    )
    # Acme's own organisation does not exist for her, and she cannot bring Acme's project in.
    assert (
        client.post(
            "/api/organisations/acme-news/projects/", {"project": slug}, format="json"
        ).status_code
        == 404
    )
    response = client.post(
        f"/api/organisations/{own}/projects/", {"project": "acme-investigations"}, format="json"
    )
    assert response.status_code == 400
    with django_capture_on_commit_callbacks():
        response = client.post(
            f"/api/projects/{slug}/documents/", {"title": "Mine", "text": NEW_TEXT}, format="json"
        )
    assert response.status_code == 201, response.json()
    run_queued_jobs(JobKind.EXTRACT)
    return response.json()["id"]


def test_a_stranger_reads_no_other_newsrooms_checks_through_the_api(
    api, acme, django_capture_on_commit_callbacks
):
    mallory = UserFactory(username="mallory")
    document_id = stranger_project(api, mallory, django_capture_on_commit_callbacks)
    claims = api(mallory).get(f"/api/documents/{document_id}/").json()
    assert ClaimMatch.objects.filter(matched_claim__project=acme).count() == 0
    for claim in ClaimFactory._meta.model.objects.filter(document_id=document_id):
        body = api(mallory).get(f"/api/claims/{claim.pk}/matches/").content.decode()
        assert body == "[]"
    assert not any(secret in str(claims) for secret in SECRETS)


def test_a_stranger_reads_no_other_newsrooms_checks_on_the_desk(
    api, client, acme, django_capture_on_commit_callbacks
):
    mallory = UserFactory(username="mallory")
    document_id = stranger_project(api, mallory, django_capture_on_commit_callbacks)
    client.force_login(mallory)
    pages = [f"/documents/{document_id}/"] + [
        f"/claims/{pk}/"
        for pk in ClaimFactory._meta.model.objects.filter(document_id=document_id).values_list(
            "pk", flat=True
        )
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert not [secret for secret in SECRETS if secret in html], page


def test_a_project_of_the_same_organisation_does_see_the_check(
    api, acme, django_capture_on_commit_callbacks
):
    """The other side of the boundary: Acme's admin brings a second project of hers in,
    and its new claims are matched against Acme's checked one."""
    alice = acme.memberships.get(role=Role.ADMIN).user
    client = api(alice)
    response = client.post("/api/projects/", {"name": "Acme daily"}, format="json")
    slug = response.json()["slug"]
    response = client.post(
        "/api/organisations/acme-news/projects/", {"project": slug}, format="json"
    )
    assert response.status_code == 201, response.json()
    with django_capture_on_commit_callbacks():
        response = client.post(
            f"/api/projects/{slug}/documents/", {"title": "New", "text": NEW_TEXT}, format="json"
        )
    run_queued_jobs(JobKind.EXTRACT)
    claim = ClaimFactory._meta.model.objects.get(
        document_id=response.json()["id"], text__contains="unemployment dropped"
    )
    matches = client.get(f"/api/claims/{claim.pk}/matches/").json()
    assert [(m["text"], m["final_verdict"], m["project"]) for m in matches] == [
        (VERDICT_TEXT, "pants_on_fire", "acme-investigations")
    ]


def test_imported_fact_checks_keep_their_publisher_and_match_inside_the_organisation(
    api, acme, django_capture_on_commit_callbacks
):
    """An archive of another publisher's fact-checks imported into one of Acme's projects:
    its ClaimReview export still names that publisher, Acme's other projects are matched
    against it, and a stranger's project is not."""
    alice = acme.memberships.get(role=Role.ADMIN).user
    response = upload(api, alice, acme, "reviews.json", json.dumps(CLAIMREVIEW), "claimreview")
    assert response.status_code == 201, response.json()
    exported = json.loads(export(api, alice, acme, "claimreview"))
    authors = {review["claimReviewed"]: review["author"] for review in exported}
    assert authors[CLAIMREVIEW[0]["claimReviewed"]] == {"@type": "Organization", "name": "Old Desk"}
    assert authors[VERDICT_TEXT] == {
        "@type": "Organization",
        "name": "Acme News",
        "url": acme.organisation.url,
    }

    text = "Yesterday the council voted 7 to 2 for the wall, the clerk said."
    sister = ProjectFactory(organisation=acme.organisation)
    MembershipFactory(project=sister, user=alice, role=Role.ADMIN)
    mallory = UserFactory(username="mallory")
    outsider = ProjectFactory(organisation=OrganisationFactory(name="Acme News"))
    MembershipFactory(project=outsider, user=mallory, role=Role.ADMIN)
    for user, project in ((alice, sister), (mallory, outsider)):
        with django_capture_on_commit_callbacks():
            response = api(user).post(
                f"/api/projects/{project.slug}/documents/",
                {"title": "New", "text": text},
                format="json",
            )
        assert response.status_code == 201, response.json()
    run_queued_jobs(JobKind.EXTRACT)
    matched = ClaimMatch.objects.filter(claim__project=sister).values_list(
        "matched_claim__text", "matched_claim__origin"
    )
    assert (CLAIMREVIEW[0]["claimReviewed"], "imported") in set(matched)
    assert not ClaimMatch.objects.filter(claim__project=outsider).exists()
