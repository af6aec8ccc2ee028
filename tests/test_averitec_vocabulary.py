"""AVeriTeC in its own words: claim types, strategies and source media mapped from ours
(editable per project), a location, and the chosen annotation's rationale."""

from __future__ import annotations

import json

import pytest

from annotations.exports.averitec import CLAIM_TYPES_AVERITEC, SOURCE_MEDIA, STRATEGIES

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db


def averitec(api, user, project) -> list[dict]:
    response = api(user).get(f"/api/projects/{project.slug}/export/", {"format": "averitec"})
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def checked(project, annotator):
    claim = ClaimFactory(
        document=DocumentFactory(project=project),
        claim_types=["statistic", "quote", "prediction"],
        status="approved",
        final_verdict="false",
        final_rationale="The report says 3%.",
        review_comment="ok",
    )
    annotation = AnnotationFactory(claim=claim, annotator=annotator)
    SourceFactory(
        annotation=annotation,
        url="https://stats.example.org/report.pdf",
        question="What did the report say?",
        answer="3%.",
    )
    SourceFactory(annotation=annotation, url="https://www.youtube.com/watch?v=abc")
    return claim


def test_claim_types_strategies_and_media_are_averitecs(api, editor, project, checked):
    [record] = averitec(api, editor, project)
    assert record["claim_types"] == ["Numerical Claim", "Quote Verification", "Speculative Claim"]
    assert record["fact_checking_strategies"] == [
        "Numerical Comparison",
        "Written Evidence",
        "Video analysis",
    ]
    assert record["questions"][0]["answers"][0]["source_medium"] == "PDF"
    assert set(record["claim_types"]) <= set(CLAIM_TYPES_AVERITEC)
    assert set(record["fact_checking_strategies"]) <= set(STRATEGIES)
    assert record["questions"][0]["answers"][0]["source_medium"] in SOURCE_MEDIA


def test_the_justification_is_the_rationale_not_the_editors_comment(api, editor, project, checked):
    [record] = averitec(api, editor, project)
    assert record["justification"] == "The report says 3%."


def test_a_project_edits_the_mapping_and_sets_the_location(api, admin, project, checked):
    response = api(admin).patch(
        f"/api/projects/{project.slug}/",
        {
            "location_iso_code": "GB",
            "averitec_vocabulary": {"claim_types": {"prediction": "Position Statement"}},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    [record] = averitec(api, admin, project)
    assert record["claim_types"] == [
        "Numerical Claim",
        "Quote Verification",
        "Position Statement",
    ]
    assert record["location_ISO_code"] == "GB"
    checked.location_iso_code = "IE"
    checked.save()
    assert averitec(api, admin, project)[0]["location_ISO_code"] == "IE"


def test_a_mapping_outside_averitecs_vocabulary_is_refused(api, admin, project):
    response = api(admin).patch(
        f"/api/projects/{project.slug}/",
        {"averitec_vocabulary": {"claim_types": {"statistic": "Numbers"}}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "averitec_vocabulary"
    assert "'Numbers' is not AVeriTeC's" in response.json()["detail"]
    response = api(admin).patch(
        f"/api/projects/{project.slug}/", {"location_iso_code": "uk"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "location_iso_code"


def test_the_settings_page_edits_the_mapping(client, admin, project):
    client.force_login(admin)
    page = client.get(f"/projects/{project.slug}/settings/")
    assert "averitec_vocabulary" in page.content.decode()


def test_the_default_mapping_names_every_claim_type_we_tag() -> None:
    from annotations.exports.averitec import DEFAULT_VOCABULARY
    from annotations.extraction.claim_types import CLAIM_TYPES

    assert tuple(DEFAULT_VOCABULARY["claim_types"]) == CLAIM_TYPES
