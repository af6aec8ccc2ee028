"""Benchmark readers and the official measures for check-worthiness.

ClaimBuster: precision, recall and F1 of the check-worthy class (CFS, Verdict 1) at the scorer's threshold.
CLEF-2019 CheckThat! Task 1: each file's lines are ranked by score; average precision and precision at 10 per
file, then the mean over files (the lab's MAP and P@10).
"""

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CLAIMBUSTER_CLASSES = {-1: "NFS", 0: "UFS", 1: "CFS"}


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    label: int  # ClaimBuster: -1, 0, 1; CLEF: 0, 1
    group: str  # debate the sentence comes from
    order: int  # position within the debate
    speaker: str = ""


def read_claimbuster(path: str | Path) -> list[LabelledSentence]:
    """Rows of a ClaimBuster CSV (crowdsourced.csv or groundtruth.csv columns)."""
    with open(path, encoding="utf-8", newline="") as file:
        return [
            LabelledSentence(
                text=row["Text"],
                label=int(row["Verdict"]),
                group=row["File_id"].removesuffix(".txt"),
                order=int(row["Line_number"]),
                speaker=row.get("Speaker", ""),
            )
            for row in csv.DictReader(file)
        ]


def read_clef2019(path: str | Path) -> list[LabelledSentence]:
    """Lines of a CLEF-2019 Task 1 file: line number, speaker, text, label (tab-separated, no header)."""
    sentences = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            if not line.strip():
                continue
            number, speaker, text, label = line.rstrip("\n").split("\t")[:4]
            sentences.append(
                LabelledSentence(text, int(label), Path(path).stem, int(number), speaker)
            )
    return sentences


def classification_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class, and its support."""
    true_positives = sum(g and p for g, p in zip(gold, predicted, strict=True))
    predicted_positives = sum(predicted)
    positives = sum(gold)
    precision = true_positives / predicted_positives if predicted_positives else 0.0
    recall = true_positives / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": positives}


def average_precision(gold: Sequence[int], scores: Sequence[float]) -> float:
    """Average precision of the ranking by descending score (CLEF-2019 definition; ties keep file order)."""
    ranking = sorted(range(len(scores)), key=lambda i: -scores[i])
    relevant_total = sum(1 for g in gold if g == 1)
    if not relevant_total:
        return 0.0
    hits = 0
    total = 0.0
    for rank, index in enumerate(ranking, start=1):
        if gold[index] == 1:
            hits += 1
            total += hits / rank
    return total / relevant_total


def precision_at(gold: Sequence[int], scores: Sequence[float], k: int) -> float:
    """Share of relevant lines among the k best-scored (divided by k, as the lab's scorer does)."""
    ranking = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return sum(1 for i in ranking if gold[i] == 1) / k


def claimbuster_report(
    sentences: Sequence[LabelledSentence], scores: Sequence[float], threshold: float
) -> str:
    """A per-class table (CFS against the rest) with, as the last line, the CFS figures as JSON."""
    predicted = [score >= threshold for score in scores]
    lines = [f"{'class':<10}{'n':>7}{'predicted CFS':>15}{'share':>8}"]
    for label, name in CLAIMBUSTER_CLASSES.items():
        flags = [p for s, p in zip(sentences, predicted, strict=True) if s.label == label]
        share = sum(flags) / len(flags) if flags else 0.0
        lines.append(f"{name:<10}{len(flags):>7}{sum(flags):>15}{share:>8.3f}")
    cfs = classification_scores([s.label == 1 for s in sentences], predicted)
    lines.append(
        f"CFS precision {cfs['precision']:.4f}  recall {cfs['recall']:.4f}  f1 {cfs['f1']:.4f}"
    )
    summary = {
        "precision": cfs["precision"],
        "recall": cfs["recall"],
        "f1": cfs["f1"],
        "n": len(sentences),
    }
    lines.append(json.dumps({key: round(value, 4) for key, value in summary.items()}))
    return "\n".join(lines)


def clef_file_scores(
    sentences: Sequence[LabelledSentence], scores: Sequence[float]
) -> dict[str, float]:
    gold = [s.label for s in sentences]
    return {"ap": average_precision(gold, scores), "p_at_10": precision_at(gold, scores, 10)}


def clef_report(per_file: dict[str, dict[str, float]]) -> str:
    """One line per file, then the means over files as JSON."""
    lines = [f"{'file':<40}{'AP':>8}{'P@10':>8}"]
    for name, figures in per_file.items():
        lines.append(f"{name:<40}{figures['ap']:>8.4f}{figures['p_at_10']:>8.4f}")
    files = len(per_file)
    summary = {
        "map": round(sum(f["ap"] for f in per_file.values()) / files, 4) if files else 0.0,
        "p_at_10": round(sum(f["p_at_10"] for f in per_file.values()) / files, 4) if files else 0.0,
        "files": files,
    }
    lines.append(json.dumps(summary))
    return "\n".join(lines)
