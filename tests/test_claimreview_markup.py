"""ClaimReview as Google's fact-check markup documents it: absolute URLs, the publisher of
an imported fact-check kept, ratings from 1, no empty properties."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annotations.models import Claim

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def export(api, user, project):
    return api(user).get(f"/api/projects/{project.slug}/export/", {"format": "claimreview"})


def reviews(api, user, project) -> list[dict]:
    response = export(api, user, project)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def import_reviews(api, user, project, items: list[dict]):
    data = json.dumps(items).encode()
    return api(user).post(
        f"/api/projects/{project.slug}/imports/",
        {"file": SimpleUploadedFile("reviews.json", data), "format": "claimreview"},
        format="multipart",
    )


@pytest.fixture
def approved(project):
    return ClaimFactory(
        document=DocumentFactory(project=project, url=""),
        status="approved",
        final_verdict="mostly_false",
        final_rationale="The minutes say 6 to 3.",
    )


@pytest.fixture
def no_site(project, settings):
    settings.FACTCHECK_SITE_URL = ""
    project.organisation.url = ""
    project.organisation.save()
    return project


def test_without_a_site_url_the_export_is_refused_clearly(api, client, editor, no_site, approved):
    response = export(api, editor, no_site)
    assert response.status_code == 400
    assert response.json()["field"] == "organisation_url"
    assert "absolute URL" in response.json()["detail"]
    response = api(editor).post(
        f"/api/projects/{no_site.slug}/exports/", {"format": "claimreview"}, format="json"
    )
    assert response.status_code == 400
    client.force_login(editor)
    page = client.get(f"/projects/{no_site.slug}/export/", {"format": "claimreview"})
    assert page.status_code == 400
    assert "organisation URL" in page.content.decode()
    with pytest.raises(CommandError, match="absolute URL"):
        call_command(
            "export", project=no_site.slug, format="claimreview", output="-", stderr=io.StringIO()
        )


def test_the_site_url_setting_makes_urls_absolute(api, editor, no_site, approved, settings):
    settings.FACTCHECK_SITE_URL = "https://checks.example.net/"
    [review] = reviews(api, editor, no_site)
    assert review["url"] == f"https://checks.example.net/#claim-{approved.public_id}"
    assert review["author"]["url"] == "https://checks.example.net/"


def test_ratings_start_at_one_and_empty_properties_are_left_out(api, editor, project, approved):
    [review] = reviews(api, editor, project)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 3,
        "bestRating": 6,
        "worstRating": 1,
    }
    assert review["reviewBody"] == "The minutes say 6 to 3."
    assert "appearance" not in review["itemReviewed"]
    assert "firstAppearance" not in review["itemReviewed"]


IMPORTED = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://other-desk.example.com/checks/1",
    "claimReviewed": "Crime doubled last year.",
    "author": {
        "@type": "Organization",
        "name": "Other Desk",
        "url": "https://other-desk.example.com/",
    },
    "itemReviewed": {"@type": "Claim"},
    "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1},
}


def test_an_imported_fact_check_keeps_its_publisher(api, editor, project):
    response = import_reviews(api, editor, project, [IMPORTED])
    assert response.status_code == 201, response.json()
    [review] = reviews(api, editor, project)
    assert review["author"] == IMPORTED["author"]
    assert review["url"] == IMPORTED["url"]


def test_a_numeric_rating_is_read_by_its_position_on_the_source_scale(api, editor, project):
    response = import_reviews(api, editor, project, [IMPORTED])
    assert response.status_code == 201, response.json()
    # 2 of 1..5 (False, Mostly false, Half true, Mostly true, True) is Mostly false.
    assert Claim.objects.get(project=project).final_verdict == "mostly_false"
