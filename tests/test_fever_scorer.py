"""The FEVER export as the official FEVER scorer reads it: sentence ids located in each
source's archived snapshot, NOT ENOUGH INFO in FEVER's own shape."""

from __future__ import annotations

import json

import pytest
from fever.scorer import fever_score

from annotations.exports.fever import quoted_sentences

from .support.dataset_project import build_small_project
from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db


def export_fever(api, user, project) -> list[dict]:
    response = api(user).get(f"/api/projects/{project.slug}/export/", {"format": "fever"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def fever_project(project, annotator, second_annotator, editor):
    ids = build_small_project(project, annotator, second_annotator, editor)
    # A NOT ENOUGH INFO verdict (half true), and a false one whose only source has no
    # archived page: FEVER cannot point at its evidence, so it is left out.
    half = ClaimFactory(
        document=DocumentFactory(project=project),
        status="approved",
        final_verdict="half_true",
    )
    AnnotationFactory(claim=half, annotator=annotator, state="draft")
    unarchived = ClaimFactory(
        document=DocumentFactory(project=project), status="approved", final_verdict="false"
    )
    SourceFactory(
        annotation=AnnotationFactory(
            claim=unarchived, annotator=annotator, state="submitted", submitted_at=half.created_at
        ),
        quote="Nobody said that.",
    )
    return ids | {"half": half}


def test_the_official_scorer_gives_the_files_own_evidence_full_marks(
    api, project, editor, fever_project
):
    records = export_fever(api, editor, project)
    predictions = [
        {
            "predicted_label": record["label"],
            "predicted_evidence": [
                [page, sentence]
                for evidence_set in record["evidence"]
                for _, _, page, sentence in evidence_set
                if page is not None
            ],
        }
        for record in records
    ]
    strict, accuracy, precision, recall, f1 = fever_score(predictions, records)
    assert (strict, accuracy, precision, recall, f1) == (1.0, 1.0, 1.0, 1.0, 1.0)


def test_every_verifiable_claim_points_at_numbered_sentences(api, project, editor, fever_project):
    records = {record["id"]: record for record in export_fever(api, editor, project)}
    council = records[str(fever_project["p1"])]
    assert council["evidence"] == [
        [[fever_project["a1"], fever_project["s1"], "https://council.example.org/minutes", 2]]
    ]
    unemployment = records[str(fever_project["p3"])]
    assert [e[3] for e in unemployment["evidence"][0]] == [1, 2]  # the quote spans two
    for record in records.values():
        for evidence_set in record["evidence"]:
            for item in evidence_set:
                assert item[3] is None or isinstance(item[3], int)


def test_not_enough_info_has_feverish_evidence_and_unlocated_claims_are_left_out(
    api, project, editor, fever_project
):
    records = {record["id"]: record for record in export_fever(api, editor, project)}
    half = records[str(fever_project["half"].public_id)]
    assert half["label"] == "NOT ENOUGH INFO"
    assert half["verifiable"] == "NOT VERIFIABLE"
    [[[annotation_id, *rest]]] = half["evidence"]
    assert isinstance(annotation_id, int) and rest == [None, None, None]
    assert len(records) == 3  # the false claim with an unarchived source is not written


def test_a_quote_is_found_whatever_its_spacing_case_and_quotation_marks() -> None:
    snapshot = "Title\n\nThe mayor said: “We will  build it.” Then she left. Rain fell."
    assert quoted_sentences(snapshot, '"we will build it."') == [1]
    assert quoted_sentences(snapshot, "build it.” Then she left") == [1, 2]
    assert quoted_sentences(snapshot, "not there") == []
    assert quoted_sentences("", "anything") == []
