"""Check-worthiness scorers.

"light" is the default: TF-IDF word and character n-grams and a logistic regression, stored as gzipped JSON under
``models/`` and loaded once per process. "transformer" is an optional fine-tuned encoder served with
onnxruntime; when its model is missing, light scores instead and the version string says so.
"""

import functools
import gzip
import json
import math
import re
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

from annotations.extraction.transformer import (
    TransformerModel,
    transformer_installed,
    transformer_model_dir,
)

LIGHT_MODEL_PATH = Path(__file__).parent / "models" / "light.json.gz"

_DIGIT = re.compile(r"\d")
_BATCH_SIZE = 2_000


def normalise_for_features(text: str) -> str:
    """Lower-case and map every digit to 0, so "$14 million" and "$25 million" share features."""
    return _DIGIT.sub("0", text.lower())


def make_vectorizers() -> list[TfidfVectorizer]:
    """The feature extractors, configured in code; training fills their vocabularies and idf weights."""
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
    """The light scorer rebuilt from its JSON state, using scikit-learn's own transforms."""

    def __init__(self, state: dict) -> None:
        self.version = state.get("version", "light-untrained")
        self.vectorizers = make_vectorizers()
        for vectorizer, learned in zip(self.vectorizers, state["vectorizers"], strict=True):
            vectorizer.vocabulary_ = {
                term: index for index, term in enumerate(learned["vocabulary"])
            }
            vectorizer.idf_ = np.asarray(learned["idf"], dtype=np.float32)
        coefficients = np.asarray(state["coefficients"], dtype=np.float32)
        # One slice of the coefficients per vectorizer: each block of features is multiplied on its own,
        # which spares stacking the two sparse matrices for every batch.
        ends = np.cumsum([len(v.vocabulary_) for v in self.vectorizers])
        self.coefficients = np.split(coefficients, ends[:-1])
        self.intercept = float(state["intercept"])

    def score(self, sentences: list[str]) -> list[float]:
        scores: list[float] = []
        # A worker scores one article per call, so scikit-learn's input checks cost about a tenth of
        # the scoring time; the inputs are strings and the features finite by construction.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            # Character n-grams make wide sparse rows; batches keep a 5 MB transcript within a few tens
            # of MB.
            for offset in range(0, len(sentences), _BATCH_SIZE):
                batch = sentences[offset : offset + _BATCH_SIZE]
                margins = self.intercept + sum(
                    v.transform(batch) @ c
                    for v, c in zip(self.vectorizers, self.coefficients, strict=True)
                )
                scores.extend(1.0 / (1.0 + math.exp(-float(m))) for m in margins)
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
