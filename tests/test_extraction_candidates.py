import time
from pathlib import Path

import numpy as np
import pytest

from annotations.extraction import Candidate, available_scorers, extract_candidates, score_sentences
from annotations.extraction.scoring import load_light_model
from annotations.extraction.sentences import split_sentences

# The shared samples sit next to the repository, as ../shared/samples.
ALASKA = Path(__file__).resolve().parents[2] / "shared" / "samples" / "alaska-summit.txt"


def test_every_candidate_slices_the_text_and_has_a_score() -> None:
    text = ALASKA.read_text(encoding="utf-8")
    candidates, version = extract_candidates(text)
    assert version.startswith("light-")
    assert len(candidates) > 35
    for candidate in candidates:
        assert isinstance(candidate, Candidate)
        assert text[candidate.start : candidate.end] == candidate.text
        assert 0.0 <= candidate.score <= 1.0
        assert candidate.claim_types


def test_the_light_scorer_ranks_claims_above_pleasantries() -> None:
    claim, pleasantry = score_sentences(
        ["Unemployment rose to 10 percent under his administration.", "Thank you very much, Jim."]
    )
    assert claim > 0.5 > pleasantry


def test_the_light_model_scores_as_scikit_learns_tfidf_transform() -> None:
    model = load_light_model()
    sentences = [s.text for s in split_sentences(ALASKA.read_text(encoding="utf-8"))]
    # Nothing in the vocabulary, a repeated n-gram, digits and the empty string.
    sentences += ["", "zzqx vvkp", "tax tax tax tax", "$14 million in 2024", "I"]
    margins = model.intercept + sum(
        vectorizer.transform(sentences) @ coefficients
        for vectorizer, coefficients in zip(model.vectorizers, model.coefficients, strict=True)
    )
    assert model.score(sentences) == pytest.approx(list(1 / (1 + np.exp(-margins))), abs=1e-6)


def test_the_transformer_falls_back_to_light_when_missing() -> None:
    assert available_scorers()["light"] is True
    if not available_scorers()["transformer"]:
        _, version = extract_candidates("Taxes rose 10%.", scorer="transformer")
        assert version.startswith("light-")


def test_it_scores_a_long_transcript_quickly() -> None:
    text = "TRUMP: We built 500 new factories last year. Thank you.\n" * 2_000
    started = time.perf_counter()
    candidates, _ = extract_candidates(text)
    assert len(candidates) == 4_000
    assert time.perf_counter() - started < 10
