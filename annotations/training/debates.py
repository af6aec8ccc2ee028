"""The labelled debates the scorers learn from, and how they are split so that no debate is scored by a
model that learnt from it: the held-aside fold, the validation debates, debate-level cross-validation."""

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotations.extraction.evaluation import (
    LabelledSentence,
    classification_scores,
    clef_file_scores,
    read_claimbuster,
    read_clef2019,
)

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


# A trained model's scoring function: sentences in, check-worthiness scores (0.5 = its threshold) out.
Scorer = Callable[[list[str]], list[float]]


def cross_validate(
    data: TrainingData,
    fit: Callable[[list[LabelledSentence], int], Scorer],
    folds: int = 5,
    progress: Callable[[str], None] = print,
) -> dict:
    """Debate-level cross-validation: no debate is scored by a model that saw any of its sentences.

    `fit(train, fold)` trains on a fold's training sentences and returns its scoring function
    (`light.fit_light_scorer`, `light.taught_light_fit(...)` or `transformer.cross_validation_fit(...)`).
    Returns pooled ClaimBuster CFS figures at score 0.5, CLEF-2019 MAP/P@10 over files, and the per-fold and
    per-debate spread.
    """
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
