"""Train the light check-worthiness model and cross-validate it by debate.

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
import statistics
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.sparse import hstack, vstack
from sklearn.linear_model import LogisticRegression

from annotations.extraction.evaluation import (
    LabelledSentence,
    classification_scores,
    clef_file_scores,
    read_claimbuster,
    read_clef2019,
)
from annotations.extraction.scoring import LIGHT_MODEL_PATH, make_vectorizers
from annotations.extraction.sentences import split_sentences

DATASETS_DIR = Path(__file__).resolve().parents[3] / "shared" / "datasets"

# The three 2016 presidential debates are in both benchmarks; cross-validation keeps each debate in one fold.
CLEF_TO_CLAIMBUSTER_DEBATE = {
    "20160926_1pres": "2016-09-26",
    "20161010_2pres": "2016-10-09",
    "20161019_3pres": "2016-10-19",
}


@dataclass(frozen=True)
class TrainingData:
    claimbuster: list[LabelledSentence]
    clef: list[LabelledSentence]


def load_training_data(datasets_dir: Path = DATASETS_DIR) -> TrainingData:
    """The development parts of ClaimBuster (crowdsourced + groundtruth) and CLEF-2019 Task 1 training."""
    claimbuster_dir = datasets_dir / "claimbuster"
    claimbuster = read_claimbuster(claimbuster_dir / "crowdsourced_dev.csv")
    claimbuster += read_claimbuster(claimbuster_dir / "groundtruth_dev.csv")
    clef = []
    for path in sorted((datasets_dir / "clef2019_checkthat_task1" / "training").glob("*.tsv")):
        clef += read_clef2019(path)
    return TrainingData(claimbuster, clef)


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
    from annotations.extraction.transformer import TransformerModel

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


def debate_of(sentence: LabelledSentence) -> str:
    return CLEF_TO_CLAIMBUSTER_DEBATE.get(sentence.group, sentence.group)


def debate_folds(data: TrainingData, folds: int = 5) -> dict[str, int]:
    """Each debate's fold: debates sorted by name, dealt out in turn."""
    debates = sorted({debate_of(s) for s in data.claimbuster + data.clef})
    return {debate: index % folds for index, debate in enumerate(debates)}


def held_aside_split(
    data: TrainingData, folds: int = 5
) -> tuple[list[LabelledSentence], list[LabelledSentence]]:
    """ClaimBuster sentences outside and inside the first cross-validation fold's debates."""
    fold_of = debate_folds(data, folds)
    train = [s for s in data.claimbuster if fold_of[debate_of(s)] != 0]
    held_out = [s for s in data.claimbuster if fold_of[debate_of(s)] == 0]
    return train, held_out


def validation_split(
    sentences: Sequence[LabelledSentence], every: int = 7
) -> tuple[list[LabelledSentence], list[LabelledSentence]]:
    """Sentences outside and inside every `every`-th debate (by name): the validation debates on which the
    transformer's epoch and decision threshold are chosen, so held-aside debates stay unseen."""
    debates = sorted({debate_of(s) for s in sentences})
    chosen = set(debates[every // 2 :: every])
    return (
        [s for s in sentences if debate_of(s) not in chosen],
        [s for s in sentences if debate_of(s) in chosen],
    )


Scorer = Callable[[list[str]], list[float]]


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
    from annotations.extraction.scoring import LightModel

    fold_of = debate_folds(data, folds)

    def fit(train: list[LabelledSentence], fold: int) -> Scorer:
        held_out = {debate for debate, f in fold_of.items() if f == fold}
        texts = unlabelled_sentences(data, datasets_dir, leave_out=held_out)
        scored, version = teacher_scores(teachers_dir / f"fold-{fold + 1}", texts)
        progress(f"fold {fold + 1}: {len(scored)} sentences scored by {version}")
        return LightModel(fit_light_model(train, scored)).score

    return fit


def cross_validate(
    data: TrainingData,
    folds: int = 5,
    progress: Callable[[str], None] = print,
    fit: Callable[[list[LabelledSentence], int], Scorer] | None = None,
) -> dict:
    """Debate-level cross-validation: no debate is scored by a model that saw any of its sentences.

    `fit(train, fold)` trains on a fold's training sentences and returns its scoring function (the light
    model's by default). Returns pooled ClaimBuster CFS figures at score 0.5, CLEF-2019 MAP/P@10 over files,
    and the per-fold and per-debate spread.
    """
    from annotations.extraction.scoring import LightModel

    fit = fit or (lambda train, fold: LightModel(fit_light_model(train)).score)
    fold_of = debate_folds(data, folds)
    claimbuster_scores = [0.0] * len(data.claimbuster)
    clef_scores = [0.0] * len(data.clef)
    fold_f1 = []
    for fold in range(folds):
        score = fit([s for s in data.claimbuster if fold_of[debate_of(s)] != fold], fold)
        held_out = [i for i, s in enumerate(data.claimbuster) if fold_of[debate_of(s)] == fold]
        for i, value in zip(
            held_out, score([data.claimbuster[i].text for i in held_out]), strict=True
        ):
            claimbuster_scores[i] = value
        fold_f1.append(
            classification_scores(
                [data.claimbuster[i].label == 1 for i in held_out],
                [claimbuster_scores[i] >= 0.5 for i in held_out],
            )["f1"]
        )
        held_out = [i for i, s in enumerate(data.clef) if fold_of[debate_of(s)] == fold]
        for i, value in zip(held_out, score([data.clef[i].text for i in held_out]), strict=True):
            clef_scores[i] = value
        progress(f"fold {fold + 1}/{folds}: ClaimBuster CFS F1 {fold_f1[-1]:.4f}")

    cfs = classification_scores(
        [s.label == 1 for s in data.claimbuster], [x >= 0.5 for x in claimbuster_scores]
    )
    per_debate_f1 = {}
    for debate in sorted({s.group for s in data.claimbuster}):
        index = [i for i, s in enumerate(data.claimbuster) if s.group == debate]
        per_debate_f1[debate] = classification_scores(
            [data.claimbuster[i].label == 1 for i in index],
            [claimbuster_scores[i] >= 0.5 for i in index],
        )["f1"]
    per_file = {}
    for name in sorted({s.group for s in data.clef}):
        index = [i for i, s in enumerate(data.clef) if s.group == name]
        per_file[name] = clef_file_scores(
            [data.clef[i] for i in index], [clef_scores[i] for i in index]
        )
    aps = [f["ap"] for f in per_file.values()]
    return {
        "claimbuster": {**{k: round(v, 4) for k, v in cfs.items()}, "n": len(data.claimbuster)},
        "claimbuster_f1_per_fold": _spread(fold_f1),
        "claimbuster_f1_per_debate": _spread(per_debate_f1.values()),
        "clef2019": {
            "map": round(statistics.mean(aps), 4),
            "p_at_10": round(statistics.mean(f["p_at_10"] for f in per_file.values()), 4),
            "files": len(per_file),
        },
        "clef2019_ap_per_file": _spread(aps),
    }


def _spread(values: Iterable[float]) -> dict[str, float]:
    values = list(values)
    return {
        "mean": round(statistics.mean(values), 4),
        "stdev": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }
