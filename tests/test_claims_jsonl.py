"""The claims-only JSONL: one row per claim, read as such by Hugging Face `datasets` and
pandas (the native JSONL mixes document and claim records)."""

from __future__ import annotations

import json

import pytest

from .support.dataset_project import build_small_project

pytestmark = pytest.mark.django_db


def export(api, user, project, name: str) -> str:
    response = api(user).get(f"/api/projects/{project.slug}/export/", {"format": name})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def small(project, annotator, second_annotator, editor):
    return build_small_project(project, annotator, second_annotator, editor)


def test_datasets_reads_one_row_per_claim(api, editor, project, small, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    path = tmp_path / "claims.jsonl"
    path.write_text(export(api, editor, project, "jsonl_claims"), encoding="utf-8")
    import datasets

    dataset = datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
    )
    assert dataset.num_rows == project.claims.count() == 4
    first = dataset[0]
    assert first["id"] == str(small["p1"])
    assert first["document_title"] == "Council meeting"
    assert first["document_url"] == "https://news.example.org/council"
    assert first["final_verdict"] == "mostly_false"
    assert first["final_rationale"] == "Minutes say 6-3."
    assert first["review_comment"] == "The vote was 6 to 3."
    assert dataset["claim_types"] == [["statistic"], [], ["statistic", "comparison"], []]


def test_every_row_has_the_same_keys(api, editor, project, small):
    rows = [json.loads(line) for line in export(api, editor, project, "jsonl_claims").splitlines()]
    assert len({tuple(row) for row in rows}) == 1
    assert all(isinstance(row["metadata"], str) for row in rows)
