"""'Checked before?': new claims are linked to the organisation's earlier claims with a verdict."""

import pytest

from annotations.claims import run_extraction
from annotations.matches import matchers
from annotations.models import Claim, ClaimMatch, ClaimStatus, JobKind, Project

from .support.factories import ClaimFactory, DocumentFactory, OrganisationFactory, ProjectFactory
from .support.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

EARLIER = "Unemployment fell to 3.5 percent last year, the lowest in 50 years."
NEW_TEXT = (
    "The minister spoke on Monday. "
    "Last year unemployment dropped to 3.5 per cent, its lowest level in fifty years. "
    "Crime rose by 10% in Chicago."
)


def checked_claim(project: Project, text: str = EARLIER, **extra) -> Claim:
    document = DocumentFactory(project=project, text=f"Earlier article. {text}")
    fields = {"status": ClaimStatus.APPROVED, "final_verdict": "false"} | extra
    return ClaimFactory(document=document, text=text, **fields)


def add_document(api, user, project, text, capture):
    """Upload through the API; the queued extraction runs here, in-process, whether or not a broker is set."""
    with capture() as callbacks:
        response = api(user).post(
            f"/api/projects/{project.slug}/documents/",
            {"title": "New", "text": text},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert len(callbacks) == 1, "the upload queues one extraction on commit"
    run_queued_jobs(JobKind.EXTRACT)
    return response.json()["id"]


def claim_with(document_id: int, fragment: str) -> Claim:
    return Claim.objects.get(document_id=document_id, text__contains=fragment)


def test_it_links_a_rephrased_claim_to_a_checked_one_of_the_organisation(
    api, project, annotator, django_capture_on_commit_callbacks
):
    sister = ProjectFactory(organisation=project.organisation)
    earlier = checked_claim(sister)
    document_id = add_document(
        api, annotator, project, NEW_TEXT, django_capture_on_commit_callbacks
    )
    new = claim_with(document_id, "unemployment dropped")
    match = ClaimMatch.objects.get(claim=new)
    assert match.matched_claim == earlier
    assert project.match_threshold <= match.score <= 1
    assert not ClaimMatch.objects.filter(claim=claim_with(document_id, "Chicago")).exists()


def test_it_ignores_other_organisations_and_claims_without_a_verdict(
    api, project, annotator, django_capture_on_commit_callbacks
):
    # The same name is not the same organisation.
    checked_claim(ProjectFactory(organisation=OrganisationFactory(name=project.organisation.name)))
    checked_claim(project, final_verdict="", status=ClaimStatus.UNSTARTED)
    add_document(api, annotator, project, NEW_TEXT, django_capture_on_commit_callbacks)
    assert ClaimMatch.objects.count() == 0


def test_without_an_organisation_only_the_project_counts(
    api, annotator, project, django_capture_on_commit_callbacks
):
    Project.objects.filter(pk=project.pk).update(organisation=None)
    project.refresh_from_db()
    checked_claim(ProjectFactory(organisation=None))
    own = checked_claim(project)
    document_id = add_document(
        api, annotator, project, NEW_TEXT, django_capture_on_commit_callbacks
    )
    assert [m.matched_claim for m in ClaimMatch.objects.filter(claim__document_id=document_id)] == [
        own
    ]


def test_it_respects_the_project_match_threshold(
    api, project, annotator, django_capture_on_commit_callbacks
):
    Project.objects.filter(pk=project.pk).update(match_threshold=0.99)
    checked_claim(project)
    add_document(api, annotator, project, NEW_TEXT, django_capture_on_commit_callbacks)
    assert ClaimMatch.objects.count() == 0


def test_imported_fact_checks_match_the_same_way(
    api, project, annotator, django_capture_on_commit_callbacks
):
    imported = checked_claim(project, origin=Claim.Origin.IMPORTED)
    document_id = add_document(
        api, annotator, project, NEW_TEXT, django_capture_on_commit_callbacks
    )
    assert ClaimMatch.objects.get(claim__document_id=document_id).matched_claim == imported


def test_a_new_verdict_links_open_claims_that_repeat_it(
    api, project, annotator, editor, django_capture_on_commit_callbacks
):
    document_id = add_document(
        api, annotator, project, NEW_TEXT, django_capture_on_commit_callbacks
    )
    open_claim = claim_with(document_id, "unemployment dropped")
    earlier = ClaimFactory(
        document=DocumentFactory(project=project, text=f"Earlier article. {EARLIER}"),
        text=EARLIER,
    )
    response = api(annotator).put(
        f"/api/claims/{earlier.pk}/annotation/",
        {"stance": "refuted", "verdict": "false", "submit": True, "version": 0},
        format="json",
    )
    assert response.status_code == 200, response.json()
    with django_capture_on_commit_callbacks() as callbacks:
        response = api(editor).post(
            f"/api/claims/{earlier.pk}/review/", {"action": "approve"}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert len(callbacks) == 1, "the verdict queues one matching task on commit"
    run_queued_jobs(JobKind.MATCH)
    assert ClaimMatch.objects.get(claim=open_claim).matched_claim == earlier


def test_the_api_lists_a_claims_matches_best_first(api, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    weaker, better = checked_claim(project), checked_claim(project, text="Mexico pays for it.")
    ClaimMatch.objects.create(claim=claim, matched_claim=weaker, score=0.7)
    ClaimMatch.objects.create(claim=claim, matched_claim=better, score=0.9)
    response = api(annotator).get(f"/api/claims/{claim.pk}/matches/")
    assert response.status_code == 200
    body = response.json()
    assert [row["claim"] for row in body] == [better.pk, weaker.pk]
    assert body[0]["final_verdict"] == "false" and body[0]["score"] == 0.9
    assert body[0]["project"] == project.slug


def test_a_stranger_gets_404_for_matches(api, project, stranger):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    assert api(stranger).get(f"/api/claims/{claim.pk}/matches/").status_code == 404


def test_the_claim_page_shows_the_match(client, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    earlier = checked_claim(project)
    ClaimMatch.objects.create(claim=claim, matched_claim=earlier, score=0.81)
    client.force_login(annotator)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Checked before?" in page and earlier.text in page and "0.81" in page


def test_the_claim_page_says_when_nothing_matched(client, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    client.force_login(annotator)
    assert "No earlier claim" in client.get(f"/claims/{claim.pk}/").content.decode()


def test_the_checked_claims_are_vectorised_again_only_when_they_change(
    api, project, annotator, django_capture_on_commit_callbacks
):
    earlier = checked_claim(project)
    builds = matchers.builds
    first = add_document(api, annotator, project, NEW_TEXT, django_capture_on_commit_callbacks)
    second = add_document(
        api, annotator, project, NEW_TEXT + " Thanks.", django_capture_on_commit_callbacks
    )
    assert matchers.builds == builds + 1  # the second document reused the first's matcher
    for document_id in (first, second):
        match = ClaimMatch.objects.get(claim=claim_with(document_id, "unemployment dropped"))
        assert match.matched_claim == earlier

    # A new verdict changes the checked claims: the next document sees it.
    crime = checked_claim(project, "Crime went up 10 percent in Chicago.")
    third = add_document(
        api, annotator, project, NEW_TEXT + " Goodbye.", django_capture_on_commit_callbacks
    )
    assert matchers.builds == builds + 2
    assert ClaimMatch.objects.get(claim=claim_with(third, "Chicago")).matched_claim == crime

    # A verdict taken back: that claim is no longer "checked before".
    earlier.final_verdict = ""
    earlier.status = ClaimStatus.IN_REVIEW
    earlier.save()
    fourth = add_document(
        api, annotator, project, NEW_TEXT + " Bye.", django_capture_on_commit_callbacks
    )
    assert matchers.builds == builds + 3
    assert not ClaimMatch.objects.filter(claim=claim_with(fourth, "unemployment dropped")).exists()


def test_re_extraction_does_not_match_a_document_with_its_own_checked_claim(project):
    document = DocumentFactory(project=project, text=NEW_TEXT)
    sentence = "Last year unemployment dropped to 3.5 per cent, its lowest level in fifty years."
    start = NEW_TEXT.index(sentence)
    # Checked by hand, over a span a little shorter than the sentence the extractor finds.
    own = ClaimFactory(
        document=document,
        text=sentence[:-1],
        start=start,
        end=start + len(sentence) - 1,
        origin=Claim.Origin.MANUAL,
        status=ClaimStatus.APPROVED,
        final_verdict="false",
    )
    other = checked_claim(project, "Crime rose by 10 percent in Chicago.")
    run_extraction(document)
    assert Claim.objects.filter(document=document, text=sentence).exists()
    assert not ClaimMatch.objects.filter(matched_claim=own).exists()
    chicago = Claim.objects.get(document=document, text__contains="Chicago")
    assert [m.matched_claim for m in ClaimMatch.objects.filter(claim=chicago)] == [other]


def test_a_project_taken_out_of_the_organisation_stops_showing_its_matches(
    api, client, project, annotator
):
    """Matches are stored when found: once the projects no longer share an organisation,
    neither the API nor the pages show the other's claims, stored matches included."""
    sister = ProjectFactory(organisation=project.organisation)
    claim = ClaimFactory(document=DocumentFactory(project=project))
    earlier = checked_claim(sister)
    ClaimMatch.objects.create(claim=claim, matched_claim=earlier, score=0.9)
    response = api(annotator).get(f"/api/claims/{claim.pk}/matches/")
    assert [row["claim"] for row in response.json()] == [earlier.pk]

    Project.objects.filter(pk=sister.pk).update(organisation=None)
    assert api(annotator).get(f"/api/claims/{claim.pk}/matches/").json() == []
    client.force_login(annotator)
    for page in (f"/claims/{claim.pk}/", f"/documents/{claim.document_id}/"):
        assert earlier.text not in client.get(page).content.decode()


def test_the_matchers_of_two_organisations_are_kept_apart(project):
    """The cache is keyed by the organisation's row, not its name."""
    twin = ProjectFactory(organisation=OrganisationFactory(name=project.organisation.name))
    checked_claim(project, "Crime went up 10 percent in Chicago.")
    checked_claim(twin)
    ids = {claim.pk for claim in Claim.objects.filter(project=project)}
    assert {pk for pk, _ in matchers.get(project).matcher.ids} == ids
    assert not {pk for pk, _ in matchers.get(twin).matcher.ids} & ids


def test_the_claim_page_links_an_earlier_check_where_she_may_open_it(client, project, annotator):
    """A sister project's claim she is no member of opens its published fact-check, not
    a page that would answer 404."""
    sister = ProjectFactory(organisation=project.organisation)
    claim = ClaimFactory(document=DocumentFactory(project=project))
    own = checked_claim(project)
    published = checked_claim(sister, "Crime rose by 10% in Chicago.")
    published.review_url = "https://factdesk.example.org/checks/chicago"
    published.save()
    ClaimMatch.objects.create(claim=claim, matched_claim=own, score=0.9)
    ClaimMatch.objects.create(claim=claim, matched_claim=published, score=0.8)
    client.force_login(annotator)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert f'href="/claims/{own.pk}/"' in page
    assert f'href="/claims/{published.pk}/"' not in page
    assert 'href="https://factdesk.example.org/checks/chicago"' in page
