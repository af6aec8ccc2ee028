"""Importing annotated datasets: the native round trip, LIAR, ClaimReview and CSV; bad
lines, skipping them, dry runs, and who may import."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.errors import InvalidInput
from annotations.imports import import_jsonl
from annotations.models import AuditEvent, Claim, Document, Review
from tests.support.factories import ClaimFactory, MembershipFactory, ProjectFactory

from .support.dataset_project import build_small_project

LIAR = Path("/work/shared/datasets/liar")
needs_liar = pytest.mark.skipif(not LIAR.is_dir(), reason=f"LIAR files not found at {LIAR}")


@pytest.fixture
def small(project, annotator, second_annotator, editor):
    return build_small_project(project, annotator, second_annotator, editor)


@pytest.fixture
def empty_project(editor):
    target = ProjectFactory(slug="restored")
    MembershipFactory(project=target, user=editor, role="editor")
    return target


def export(api, user, project, name: str) -> str:
    response = api(user).get(f"/api/projects/{project.slug}/export/", {"format": name})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def upload(api, user, project, name: str, content: str | bytes, fmt: str, **options):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return api(user).post(
        f"/api/projects/{project.slug}/imports/",
        {"file": SimpleUploadedFile(name, data), "format": fmt, **options},
        format="multipart",
    )


def without_ids(text: str) -> list[dict]:
    """Native records with the database ids removed: all that may differ on a restore."""
    records = []
    for line in text.rstrip("\n").split("\n"):  # not splitlines(): texts may hold U+2028
        record = json.loads(line)
        record.pop("id")
        if record["type"] == "claim":
            record["document"].pop("id")
        records.append(record)
    return records


def test_native_jsonl_round_trips_apart_from_ids(api, project, editor, small, empty_project):
    first = export(api, editor, project, "jsonl")
    response = upload(api, editor, empty_project, "backup.jsonl", first, "jsonl")
    assert response.status_code == 201, response.json()
    assert response.json()["claims"] == 4
    assert response.json()["reviews"] == 2
    second = export(api, editor, empty_project, "jsonl")
    assert without_ids(second) == without_ids(first)
    # Every other format follows from the same data, so it matches too once ids are masked.
    for name in ("csv", "fever", "averitec", "liar"):
        mask = re.compile(r"\b\d+\b")
        assert mask.sub("#", export(api, editor, empty_project, name)) == mask.sub(
            "#", export(api, editor, project, name)
        )


def test_a_bad_line_7_is_reported_and_nothing_is_imported(
    api, project, editor, small, empty_project
):
    lines = export(api, editor, project, "jsonl").splitlines()
    assert len(lines) == 6
    bad = json.loads(lines[4])  # claim c3 again, with a verdict the scale does not have
    bad["final_verdict"]["key"] = "sort_of_true"
    lines.append(json.dumps(bad))  # line 7
    response = upload(api, editor, empty_project, "backup.jsonl", "\n".join(lines), "jsonl")
    assert response.status_code == 400
    body = response.json()
    assert body["line"] == 7
    assert body["field"] == "final_verdict.key"
    assert "sort_of_true" in body["detail"]
    assert "Nothing was imported" in body["detail"]
    assert not Claim.objects.filter(project=empty_project).exists()
    assert not Document.objects.filter(project=empty_project).exists()


def test_skip_bad_lines_imports_the_rest_and_says_what_was_skipped(
    api, project, editor, small, empty_project
):
    lines = export(api, editor, project, "jsonl").splitlines()
    lines.append("{not json")
    response = upload(
        api, editor, empty_project, "backup.jsonl", "\n".join(lines), "jsonl", skip_bad_lines=True
    )
    assert response.status_code == 201
    body = response.json()
    assert body["claims"] == 4
    assert body["n_skipped"] == 1
    assert body["skipped"][0]["line"] == 7
    assert "not valid JSON" in body["skipped"][0]["message"]
    assert "Skipped 1 bad lines" in body["summary"]


def test_a_dry_run_counts_and_writes_nothing(api, project, editor, small, empty_project):
    text = export(api, editor, project, "jsonl")
    response = upload(api, editor, empty_project, "backup.jsonl", text, "jsonl", dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["documents"], body["claims"], body["annotations"]) == (
        True,
        2,
        4,
        4,
    )
    assert body["sources"] == 2
    assert body["summary"].startswith("Would import 4 claims")
    assert not Claim.objects.filter(project=empty_project).exists()


def test_importing_the_same_backup_twice_is_refused(api, project, editor, small, empty_project):
    text = export(api, editor, project, "jsonl")
    assert upload(api, editor, empty_project, "b.jsonl", text, "jsonl").status_code == 201
    response = upload(api, editor, empty_project, "b.jsonl", text, "jsonl")
    assert response.status_code == 400
    assert "All 4 claims of the file are in the project already" in response.json()["detail"]
    assert Claim.objects.filter(project=empty_project).count() == 4


def test_a_backup_with_one_new_claim_imports_that_one(api, project, editor, small, empty_project):
    text = export(api, editor, project, "jsonl")
    assert upload(api, editor, empty_project, "b.jsonl", text, "jsonl").status_code == 201
    document = project.documents.get(title="Budget speech")
    ClaimFactory(document=document, text="Thank you", start=42, end=51)
    response = upload(
        api, editor, empty_project, "b.jsonl", export(api, editor, project, "jsonl"), "jsonl"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["claims"], body["duplicates"], body["documents"]) == (1, 4, 0)
    restored = empty_project.documents.get(title="Budget speech")
    assert restored.claims.filter(text="Thank you").count() == 1
    assert Claim.objects.filter(project=empty_project).count() == 5


def test_the_import_is_recorded_in_the_audit_trail(api, project, editor, small, empty_project):
    upload(api, editor, empty_project, "b.jsonl", export(api, editor, project, "jsonl"), "jsonl")
    event = AuditEvent.objects.get(project=empty_project, object_type="project", action="import")
    assert event.actor == editor
    assert event.after["claims"] == 4


def test_unknown_annotators_get_inactive_accounts(api, project, editor, small, empty_project):
    text = export(api, editor, project, "jsonl").replace('"bruno"', '"zoe"')
    body = upload(api, editor, empty_project, "b.jsonl", text, "jsonl").json()
    assert body["new_accounts"] == ["zoe"]
    from django.contrib.auth import get_user_model

    zoe = get_user_model().objects.get(username="zoe")
    assert not zoe.is_active and not zoe.has_usable_password()


@needs_liar
@pytest.mark.parametrize("name,rows", [("valid.tsv", 1284), ("train.tsv", 10269)])
def test_liar_files_import_and_export_again_byte_for_byte(api, project, editor, name, rows):
    original = (LIAR / name).read_text(encoding="utf-8")
    response = upload(api, editor, project, name, original, "liar")
    assert response.status_code == 201, response.json()
    assert response.json()["claims"] == rows
    claims = Claim.objects.filter(project=project)
    assert claims.filter(origin="imported", status="approved").count() == rows
    assert all(c.document.text[c.start : c.end] == c.text for c in claims.order_by("id")[:50])
    assert export(api, editor, project, "liar") == original


@needs_liar
def test_liar_labels_map_to_the_six_point_scale(api, project, editor):
    upload(api, editor, project, "valid.tsv", (LIAR / "valid.tsv").read_bytes(), "liar")
    counts = {
        key: Claim.objects.filter(project=project, final_verdict=key).count()
        for key in ("pants_on_fire", "false", "mostly_false", "half_true", "mostly_true", "true")
    }
    # From the dataset's README: pants-fire 116, false 263, barely-true 237, half-true 248,
    # mostly-true 251, true 169.
    assert counts == {
        "pants_on_fire": 116,
        "false": 263,
        "mostly_false": 237,
        "half_true": 248,
        "mostly_true": 251,
        "true": 169,
    }


def test_a_liar_line_with_an_unknown_label_names_line_and_field(api, project, editor):
    good = "1.json\ttrue\tThe sky is blue.\tscience\tsam\t\t\t\t0\t0\t0\t0\t0\ta talk"
    bad = good.replace("\ttrue\t", "\tpartly-true\t")
    response = upload(api, editor, project, "x.tsv", f"{good}\n{bad}\n", "liar")
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["field"]) == (2, "label")
    assert not Claim.objects.filter(project=project).exists()


CLAIMREVIEW = [
    {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example.org/wall-vote",
        "claimReviewed": "The council voted 7 to 2 for the wall.",
        "datePublished": "2024-03-07",
        "author": {"@type": "Organization", "name": "Old Desk"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Council clerk"},
            "datePublished": "2024-03-05",
            "appearance": [
                {
                    "@type": "CreativeWork",
                    "url": "https://news.example.org/council",
                    "headline": "Council meeting",
                },
                {"@type": "CreativeWork", "url": "https://radio.example.org/ep-9"},
            ],
            "firstAppearance": {"@type": "CreativeWork", "url": "https://news.example.org/council"},
        },
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Mostly False",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 0,
        },
    },
    {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example.org/jobs",
        "claimReviewed": "Unemployment halved.",
        "itemReviewed": {"@type": "Claim"},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Wrong",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
    },
]


def test_claimreview_imports_as_approved_claims_that_export_back(api, project, editor):
    text = json.dumps(CLAIMREVIEW, indent=2)
    response = upload(api, editor, project, "reviews.json", text, "claimreview")
    assert response.status_code == 201, response.json()
    first, second = Claim.objects.filter(project=project).order_by("id")
    assert (first.origin, first.status, first.final_verdict) == (
        "imported",
        "approved",
        "mostly_false",
    )
    assert first.review_url == "https://checks.example.org/wall-vote"
    assert first.document.url == "https://news.example.org/council"
    # "Wrong" is no label here; its rating 1 of 1..5 is the bottom of a five-step scale,
    # which is False on ours (Pants on fire has no counterpart on it).
    assert second.final_verdict == "false"
    exported = json.loads(export(api, editor, project, "claimreview"))
    assert exported[0]["url"] == CLAIMREVIEW[0]["url"]
    assert exported[0]["itemReviewed"] == CLAIMREVIEW[0]["itemReviewed"]
    assert exported[0]["datePublished"] == "2024-03-07"
    assert exported[0]["reviewRating"]["alternateName"] == "Mostly false"


def test_a_bad_claimreview_names_its_line(api, project, editor):
    items = [CLAIMREVIEW[0], dict(CLAIMREVIEW[1], claimReviewed="")]
    text = "[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]\n"
    response = upload(api, editor, project, "reviews.json", text, "claimreview")
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["field"]) == (3, "claimReviewed")


def test_csv_imports_claims_grouped_by_document(api, project, editor):
    text = (
        "text,speaker,final_verdict_label,document_title,review_url\n"
        "The wall costs 14.5 million.,Mayor,False,Budget,https://checks.example.org/1\n"
        "Taxes went up.,Mayor,,Budget,\n"
        "Crime fell.,Chief,Half true,Police,\n"
    )
    response = upload(api, editor, project, "claims.csv", text, "csv")
    assert response.status_code == 201, response.json()
    assert response.json()["documents"] == 2
    claims = list(Claim.objects.filter(project=project).order_by("id"))
    assert [(c.final_verdict, c.status) for c in claims] == [
        ("false", "approved"),
        ("", "unstarted"),
        ("half_true", "approved"),
    ]
    assert all(c.document.text[c.start : c.end] == c.text for c in claims)


def test_a_csv_with_an_unknown_column_is_refused(api, project, editor):
    response = upload(api, editor, project, "c.csv", "text,colour\nA claim.,red\n", "csv")
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["field"]) == (1, "colour")


def test_annotators_may_not_import(api, project, annotator):
    response = upload(api, annotator, project, "c.csv", "text\nA claim.\n", "csv")
    assert response.status_code == 403


def test_it_rejects_other_projects(api, project, stranger):
    response = upload(api, stranger, project, "c.csv", "text\nA claim.\n", "csv")
    assert response.status_code == 404


def test_imported_reviews_keep_their_times(api, project, editor, small, empty_project):
    upload(api, editor, empty_project, "b.jsonl", export(api, editor, project, "jsonl"), "jsonl")
    times = sorted(
        r.created_at.isoformat() for r in Review.objects.filter(claim__project=empty_project)
    )
    assert times == ["2024-01-02T08:00:00+00:00", "2024-03-07T12:00:00+00:00"]


def test_a_document_twice_in_one_file_is_refused(api, project, editor, small, empty_project):
    lines = export(api, editor, project, "jsonl").splitlines()
    copy = json.loads(lines[0]) | {"id": 999999}
    response = upload(
        api, editor, empty_project, "b.jsonl", "\n".join([*lines, json.dumps(copy)]), "jsonl"
    )
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["field"]) == (7, "text")
    assert "same text as the document on line 1" in response.json()["detail"]


def test_a_line_separator_inside_a_text_survives_the_round_trip(
    api, project, editor, small, empty_project
):
    # Web text carries U+2028, which JSON leaves unescaped: it must not end a line.
    Claim.objects.filter(pk=small["c4"]).update(speaker="Host\u2028(live)")
    first = export(api, editor, project, "jsonl")
    assert "\u2028" in first
    response = upload(api, editor, empty_project, "backup.jsonl", first, "jsonl")
    assert response.status_code == 201, response.json()
    assert without_ids(export(api, editor, empty_project, "jsonl")) == without_ids(first)


def test_a_document_id_used_twice_is_named(api, project, editor, small, empty_project):
    lines = export(api, editor, project, "jsonl").splitlines()
    again = json.loads(lines[0]) | {"text": "Another text altogether."}
    lines.insert(1, json.dumps(again))
    response = upload(api, editor, empty_project, "b.jsonl", "\n".join(lines), "jsonl")
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["field"]) == (2, "id")
    assert "already on line 1" in response.json()["detail"]


def test_a_document_already_in_the_project_takes_the_new_claims(
    api, project, editor, small, empty_project
):
    lines = export(api, editor, project, "jsonl").splitlines()
    # Lines 4-6: the second document and its two claims. Import it with its first claim
    # alone first, so that the whole file then holds a document already in the project.
    upload(api, editor, empty_project, "doc.jsonl", "\n".join(lines[3:5]), "jsonl")
    response = upload(api, editor, empty_project, "b.jsonl", "\n".join(lines), "jsonl")
    body = response.json()
    assert response.status_code == 201, body
    assert (body["documents"], body["claims"], body["duplicates"]) == (1, 3, 1)
    assert empty_project.documents.count() == 2
    assert empty_project.documents.get(title="Budget speech").claims.count() == 2


def test_skipping_a_bad_document_skips_its_claims_too(api, project, editor, small, empty_project):
    lines = export(api, editor, project, "jsonl").splitlines()
    bad = json.loads(lines[3]) | {"url": "not a url"}
    lines[3] = json.dumps(bad)
    response = upload(
        api, editor, empty_project, "b.jsonl", "\n".join(lines), "jsonl", skip_bad_lines=True
    )
    body = response.json()
    assert response.status_code == 201, body
    assert (body["documents"], body["claims"], body["n_skipped"]) == (1, 2, 3)
    assert [item["line"] for item in body["skipped"]] == [4, 5, 6]
    assert body["skipped"][0]["field"] == "url"
    assert "no (valid) document record" in body["skipped"][1]["message"]
    assert Claim.objects.filter(project=empty_project).count() == 2


def test_a_file_that_changes_between_its_two_readings_imports_nothing(
    api, project, editor, small, empty_project
):
    lines = export(api, editor, project, "jsonl").splitlines()
    readings = [lines, [*lines[:4], "{not json", lines[5]]]
    with pytest.raises(InvalidInput, match="changed while it was imported"):
        import_jsonl(empty_project, editor, "b.jsonl", lambda: iter(readings.pop(0)))
    assert not Claim.objects.filter(project=empty_project).exists()
    assert not Document.objects.filter(project=empty_project).exists()
