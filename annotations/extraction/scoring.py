"""Check-worthiness scorers.

"light" is the default: TF-IDF word and character n-grams and a logistic regression, stored as gzipped JSON under
``models/`` and loaded once per process. "transformer" is an optional fine-tuned encoder served with
onnxruntime; when its model is missing, light scores instead and the version string says so.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from annotations.extraction.transformer import (
    TransformerModel,
    transformer_installed,
    transformer_model_dir,
)

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

LIGHT_MODEL_PATH = Path(__file__).parent / "models" / "light.json.gz"

_DIGIT = re.compile(r"\d")
_BATCH_SIZE = 2_000


def normalise_for_features(text: str) -> str:
    """Lower-case and map every digit to 0, so "$14 million" and "$25 million" share features."""
    return _DIGIT.sub("0", text.lower())


def make_vectorizers() -> list[TfidfVectorizer]:
    """The feature extractors, configured in code; training fills their vocabularies and idf weights."""
    # Imported here: scikit-learn is 90 MB a process, and only processes that score need it.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return [
        # Single-character tokens and "$"/"%" stay: "I", "$" and "%" are strong signals here.
        TfidfVectorizer(
            preprocessor=normalise_for_features,
            token_pattern=r"[\w']+|[$%]",
            ngram_range=(1, 3),
            min_df=2,
            max_features=40_000,
            sublinear_tf=True,
            dtype=np.float32,
        ),
        TfidfVectorizer(
            preprocessor=normalise_for_features,
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=3,
            max_features=40_000,
            sublinear_tf=True,
            dtype=np.float32,
        ),
    ]


class LightModel:
    """The light scorer rebuilt from its JSON state.

    Scoring computes, for each sentence, what scikit-learn's TF-IDF transform and the logistic regression
    compute (sublinear term frequency times idf, l2-normalised, dotted with the coefficients), straight
    from each vectorizer's own analyzer: a worker scores one article per call, and building the sparse
    matrices (one exception per n-gram outside the vocabulary, input checks on every call) cost about a
    third of the scoring time. A test holds it to scikit-learn's transform.
    """

    def __init__(self, state: dict) -> None:
        self.version = state.get("version", "light-untrained")
        self.vectorizers = make_vectorizers()
        if not all(v.sublinear_tf and v.use_idf and v.norm == "l2" for v in self.vectorizers):
            raise ValueError(
                "margins() computes sublinear tf × idf, l2-normalised: change it with them."
            )
        for vectorizer, learned in zip(self.vectorizers, state["vectorizers"], strict=True):
            vectorizer.vocabulary_ = {
                term: index for index, term in enumerate(learned["vocabulary"])
            }
            vectorizer.idf_ = np.asarray(learned["idf"], dtype=np.float32)
        coefficients = np.asarray(state["coefficients"], dtype=np.float64)
        ends = np.cumsum([len(v.vocabulary_) for v in self.vectorizers])
        self.coefficients = np.split(coefficients, ends[:-1])
        self.analyzers = [v.build_analyzer() for v in self.vectorizers]
        self.intercept = float(state["intercept"])

    def margins(self, sentences: list[str]) -> np.ndarray:
        """The logistic regression's decision value for each sentence."""
        margins = np.full(len(sentences), self.intercept)
        for vectorizer, analyze, coefficients in zip(
            self.vectorizers, self.analyzers, self.coefficients, strict=True
        ):
            vocabulary = vectorizer.vocabulary_
            rows: list[int] = []
            columns: list[int] = []
            counts: list[int] = []
            for row, sentence in enumerate(sentences):
                for term, count in Counter(analyze(sentence)).items():
                    column = vocabulary.get(term)
                    if column is not None:
                        rows.append(row)
                        columns.append(column)
                        counts.append(count)
            if not rows:
                continue
            column_index, row_index = np.asarray(columns), np.asarray(rows)
            term_frequency = 1.0 + np.log(np.asarray(counts, dtype=np.float64))
            weights = term_frequency * vectorizer.idf_[column_index]
            dot = np.bincount(row_index, weights * coefficients[column_index], len(sentences))
            norm = np.sqrt(np.bincount(row_index, weights * weights, len(sentences)))
            np.divide(dot, norm, out=dot, where=norm > 0)
            margins += dot
        return margins

    def score(self, sentences: list[str]) -> list[float]:
        scores: list[float] = []
        # Batches keep a 5 MB transcript's n-gram lists within a few tens of MB.
        for offset in range(0, len(sentences), _BATCH_SIZE):
            margins = self.margins(sentences[offset : offset + _BATCH_SIZE])
            scores.extend((1.0 / (1.0 + np.exp(-margins))).tolist())
        return scores


@functools.cache
def load_light_model(path: Path = LIGHT_MODEL_PATH) -> LightModel:
    """The committed light model, read once per process."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return LightModel(json.load(file))


@functools.cache
def load_transformer_model(model_dir: Path) -> TransformerModel:
    """The trained transformer model, read once per process."""
    return TransformerModel(model_dir)


def available_scorers() -> dict[str, bool]:
    """Which scorers can run in this process."""
    return {"light": LIGHT_MODEL_PATH.exists(), "transformer": transformer_installed()}


def resolve_scorer(scorer: str) -> str:
    """The scorer that will actually run when ``scorer`` is asked for."""
    if scorer not in ("light", "transformer"):
        raise ValueError(f"Unknown scorer {scorer!r}; choose light or transformer.")
    # Light is committed with the code; only the transformer can be missing. Asking for light checks no
    # files: workers ask for every article.
    if scorer == "transformer" and not transformer_installed():
        return "light"
    return scorer


def scorer_version(scorer: str = "light") -> str:
    """The version string stored with every claim the scorer scores, e.g. light-2026.11.30-1a2b3c4d."""
    if resolve_scorer(scorer) == "transformer":
        return load_transformer_model(transformer_model_dir()).version
    return load_light_model().version


def score_sentences(
    sentences: list[str], scorer: str = "light", speakers: list[str] | None = None
) -> list[float]:
    """Check-worthiness of each sentence, in [0, 1]; 0.5 is the trained decision threshold.

    ``speakers`` is accepted for scorers that use it; the light model does not (speaker features did not help in
    cross-validation).
    """
    if resolve_scorer(scorer) == "transformer":
        return load_transformer_model(transformer_model_dir()).score(list(sentences))
    return load_light_model().score(list(sentences))
