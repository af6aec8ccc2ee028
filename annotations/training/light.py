"""Train the light check-worthiness model.

The model is TF-IDF word and character n-grams into a class-balanced logistic regression. Its learned state
(vocabularies, idf weights, coefficients) is written as gzipped JSON, which loads without executing anything.

Besides the ClaimBuster labels, it can learn from a teacher: the transformer scorer's scores on sentences nobody
labelled (other debates, fact-checked statements, news articles). The teacher runs only at training time; the light
model stays a logistic regression.
"""

import csv
import gzip
import hashlib
import json
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.sparse import hstack, vstack
from sklearn.linear_model import LogisticRegression

from annotations.extraction.evaluation import LabelledSentence
from annotations.extraction.scoring import LIGHT_MODEL_PATH, LightModel, make_vectorizers
from annotations.extraction.sentences import split_sentences
from annotations.extraction.transformer import TransformerModel
from annotations.training.debates import (
    DATASETS_DIR,
    Scorer,
    TrainingData,
    debate_folds,
    debate_of,
)


def fit_light_model(
    sentences: Sequence[LabelledSentence],
    teacher_scored: Sequence[tuple[str, float]] = (),
    regularisation: float | None = None,
) -> dict:
    """Fit the light model on ClaimBuster-labelled sentences (positive = CFS) and return its JSON state.

    `teacher_scored` adds unlabelled sentences with a teacher's score p: each counts as p of a check-worthy
    example and 1 - p of a not check-worthy one. The two classes are balanced over these masses, which for
    labels alone is scikit-learn's class_weight="balanced".

    The default regularisation is C = 1 for labels alone and C = 2 with a teacher: four times as many
    sentences support weaker regularisation (first two cross-validation folds: +0.006 and +0.008 CFS F1).
    """
    if regularisation is None:
        regularisation = 2.0 if teacher_scored else 1.0
    texts = [s.text for s in sentences] + [text for text, _ in teacher_scored]
    targets = np.array(
        [1.0 if s.label == 1 else 0.0 for s in sentences] + [p for _, p in teacher_scored]
    )
    # The vocabularies and idf weights come from the labelled sentences alone: fitted on the teacher's
    # sentences too, they fill up with common n-grams, rows get denser and scoring costs about 10% more per
    # article, for about 0.005 CFS F1 (first two cross-validation folds, three-class teachers).
    vectorizers = make_vectorizers()
    for vectorizer in vectorizers:
        vectorizer.fit([s.text for s in sentences])
    features = hstack([v.transform(texts) for v in vectorizers]).tocsr()
    positive_mass, negative_mass = targets.sum(), (1.0 - targets).sum()
    weights = np.concatenate(
        [
            targets * len(texts) / (2 * positive_mass),
            (1.0 - targets) * len(texts) / (2 * negative_mass),
        ]
    )
    labels = np.concatenate([np.ones(len(texts), bool), np.zeros(len(texts), bool)])
    rows = np.flatnonzero(weights > 0)
    classifier = LogisticRegression(C=regularisation, max_iter=3000)
    classifier.fit(
        vstack([features, features]).tocsr()[rows], labels[rows], sample_weight=weights[rows]
    )
    return {
        "vectorizers": [
            {
                "vocabulary": sorted(v.vocabulary_, key=v.vocabulary_.get),
                "idf": [round(float(x), 5) for x in v.idf_],
            }
            for v in vectorizers
        ],
        "coefficients": [round(float(x), 6) for x in classifier.coef_[0]],
        "intercept": float(classifier.intercept_[0]),
        "training": {
            "sentences": len(sentences),
            "positives": int(sum(s.label == 1 for s in sentences)),
            "teacher_scored_sentences": len(teacher_scored),
            "C": regularisation,
        },
    }


def unlabelled_sentences(
    data: TrainingData, datasets_dir: Path = DATASETS_DIR, leave_out: Collection[str] = ()
) -> list[str]:
    """Sentences for a teacher to score, none of them a labelled ClaimBuster sentence: the CLEF-2019 debates,
    the other lines of the ClaimBuster debate transcripts (moderators, audience, unlabelled answers), LIAR's
    fact-checked statements and the sentences of the BBC articles. Debates in `leave_out` are left out, so
    that cross-validation never teaches with a held-out debate's text."""
    labelled = {s.text for s in data.claimbuster}
    found = [s.text for s in data.clef if debate_of(s) not in leave_out]
    transcripts = datasets_dir / "claimbuster" / "debate_transcripts"
    for path in sorted(transcripts.glob("*.txt")):
        if path.stem in leave_out:
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            label, colon, speech = line.partition(": ")
            text = speech if colon and label.isupper() else line
            found += [s.text for s in split_sentences(text)]
    with open(datasets_dir / "liar" / "train.tsv", encoding="utf-8", newline="") as file:
        # PolitiFact writes "Says X" for a claim it paraphrases.
        found += [row[2].removeprefix("Says ") for row in csv.reader(file, delimiter="\t")]
    with open(datasets_dir / "bbc_news" / "articles_dev.jsonl", encoding="utf-8") as file:
        for line in file:
            found += [s.text for s in split_sentences(json.loads(line)["text"])]
    return [text for text in dict.fromkeys(found) if text.strip() and text not in labelled]


def teacher_scores(teacher_dir: Path, texts: list[str]) -> tuple[list[tuple[str, float]], str]:
    """The texts with the transformer model's scores (0.5 = its threshold), and the model's version."""
    teacher = TransformerModel(teacher_dir)
    return list(zip(texts, teacher.score(texts), strict=True)), teacher.version


def save_light_model(state: dict, path: Path = LIGHT_MODEL_PATH) -> str:
    """Write the model with a version that names its training date and content hash."""
    body = json.dumps(state, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()[:8]
    state = {**state, "version": f"light-{datetime.now(UTC):%Y.%m.%d}-{digest}"}
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical when the same model is trained twice.
    with gzip.GzipFile(path, "wb", mtime=0) as file:
        file.write(json.dumps(state, separators=(",", ":")).encode())
    return state["version"]


def fit_light_scorer(train: list[LabelledSentence], fold: int) -> Scorer:
    """The `fit` for `cross_validate` of the light model from the labels alone."""
    return LightModel(fit_light_model(train)).score


def taught_light_fit(
    data: TrainingData,
    teachers_dir: Path,
    datasets_dir: Path = DATASETS_DIR,
    folds: int = 5,
    progress: Callable[[str], None] = print,
) -> Callable[[list[LabelledSentence], int], Scorer]:
    """The `fit` for `cross_validate` of a light model taught by the transformer: fold N's teacher is
    teachers_dir/fold-N (the transformer's own cross-validation models, trained without that fold's debates),
    and the fold's held-out debates are left out of the sentences it scores."""
    fold_of = debate_folds(data, folds)

    def fit(train: list[LabelledSentence], fold: int) -> Scorer:
        held_out = {debate for debate, f in fold_of.items() if f == fold}
        texts = unlabelled_sentences(data, datasets_dir, leave_out=held_out)
        scored, version = teacher_scores(teachers_dir / f"fold-{fold + 1}", texts)
        progress(f"fold {fold + 1}: {len(scored)} sentences scored by {version}")
        return LightModel(fit_light_model(train, scored)).score

    return fit
