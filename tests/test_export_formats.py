"""Each export format against a hand-written expected file for a small project."""

from __future__ import annotations

import json

import pytest

from .support.dataset_project import build_small_project, expected


@pytest.fixture
def small(project, annotator, second_annotator, editor):
    return build_small_project(project, annotator, second_annotator, editor)


def download(api, user, project, name: str, **filters) -> str:
    response = api(user).get(f"/api/projects/{project.slug}/export/", {"format": name, **filters})
    assert response.status_code == 200, response
    return b"".join(response.streaming_content).decode("utf-8")


def test_native_jsonl_matches_the_expected_file(api, project, editor, small):
    lines = download(api, editor, project, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(expected("small.native.json", small))


def test_csv_matches_the_expected_file(api, project, editor, small):
    assert download(api, editor, project, "csv") == expected("small.csv", small)


def test_annotations_csv_matches_the_expected_file(api, project, editor, small):
    text = download(api, editor, project, "csv_annotations")
    assert text == expected("small.annotations.csv", small)


def test_fever_matches_the_expected_file(api, project, editor, small):
    lines = download(api, editor, project, "fever").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(expected("small.fever.json", small))


def test_averitec_matches_the_expected_file(api, project, editor, small):
    text = download(api, editor, project, "averitec")
    assert json.loads(text) == json.loads(expected("small.averitec.json", small))


def test_claimreview_matches_the_expected_file(api, project, editor, small):
    text = download(api, editor, project, "claimreview")
    assert json.loads(text) == json.loads(expected("small.claimreview.json", small))


def test_claimreview_has_every_schema_org_field(api, project, editor, small):
    reviews = json.loads(download(api, editor, project, "claimreview"))
    assert len(reviews) == 2  # approved claims only
    first = reviews[0]
    assert first["@context"] == "https://schema.org"
    assert first["@type"] == "ClaimReview"
    assert first["claimReviewed"] == "The council voted 7 to 2 on Tuesday to build a flood wall."
    assert first["url"] == f"https://factdesk.example.org/#claim-{small['p1']}"
    assert first["datePublished"] == "2024-03-07"
    assert first["author"] == {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://factdesk.example.org/",
    }
    item = first["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Council clerk"}
    assert item["datePublished"] == "2024-03-05"
    assert item["appearance"][0]["url"] == "https://news.example.org/council"
    assert item["firstAppearance"]["url"] == "https://news.example.org/council"
    assert first["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 3,
        "bestRating": 6,
        "worstRating": 1,
    }


def test_claimreview_on_a_free_text_scale_has_no_numeric_rating(api, project, editor, small):
    from annotations.models import RatingScale

    project.rating_scale = RatingScale.objects.get(key="free-text")
    project.save()
    project.claims.filter(pk=small["c1"]).update(final_verdict="Misleading count")
    reviews = json.loads(download(api, editor, project, "claimreview"))
    assert reviews[0]["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading count"}


def test_liar_matches_the_expected_file(api, project, editor, small):
    assert download(api, editor, project, "liar") == expected("small.liar.tsv", small)


def test_it_filters_by_status_and_verdict(api, project, editor, small):
    lines = download(api, editor, project, "csv", status="approved", verdict="true")
    assert [line.split(",")[0] for line in lines.splitlines()[1:]] == [str(small["p3"])]


def test_it_filters_by_document_and_date_range(api, project, editor, small):
    text = download(api, editor, project, "csv", document=small["doc_a"])
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == [
        str(small["p1"]),
        str(small["p2"]),
    ]
    # Claim dates: c1 from its document (2024-03-05), c2 its own (2024-03-04), c3 2023-12-01.
    text = download(api, editor, project, "csv", date_from="2024-03-01", date_to="2024-03-04")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == [str(small["p2"])]


def test_it_filters_by_annotator(api, project, editor, small):
    text = download(api, editor, project, "csv", annotator="bruno")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == [str(small["p1"])]


def test_it_rejects_a_bad_filter(api, project, editor, small):
    response = api(editor).get(
        f"/api/projects/{project.slug}/export/", {"format": "csv", "date_from": "March"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "date_from"


def test_it_rejects_other_projects(api, project, stranger, small):
    response = api(stranger).get(f"/api/projects/{project.slug}/export/", {"format": "jsonl"})
    assert response.status_code == 404


def test_timestamps_read_as_isoformat_writes_them(api, project, editor, small):
    import datetime

    from annotations.models import Annotation

    moment = datetime.datetime(2024, 3, 6, 10, 0, 0, 500, tzinfo=datetime.UTC)
    Annotation.objects.filter(pk=small["a1"]).update(submitted_at=moment)
    records = [json.loads(line) for line in download(api, editor, project, "jsonl").splitlines()]
    assert records[1]["annotations"][0]["submitted_at"] == moment.isoformat()
    assert moment.isoformat() == "2024-03-06T10:00:00.000500+00:00"
