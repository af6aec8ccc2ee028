"""Benchmark readers and the official measures for check-worthiness and speakers.

ClaimBuster: precision, recall and F1 of the check-worthy class (CFS, Verdict 1) at the scorer's threshold.
CLEF-2019 CheckThat! Task 1: each file's lines are ranked by score; average precision and precision at 10 per
file, then the mean over files (the lab's MAP and P@10).
Speakers: attribution accuracy on sentences labelled by hand (``data/speakers_bbc.csv``), per part and category.
"""

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotations.extraction.sentences import split_sentences
from annotations.extraction.speakers import attribute_speakers

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


SPEAKER_SET = Path(__file__).resolve().parent / "data" / "speakers_bbc.csv"
SPEAKER_CATEGORIES = ("quoted", "reported", "according_to", "pronoun", "none")


@dataclass(frozen=True)
class LabelledSpeaker:
    article: str
    article_sha1: str
    start: int
    end: int
    part: str  # development, held_aside or held_aside_2
    category: str  # one of SPEAKER_CATEGORIES
    speaker: str  # "" for none; "|" separates the forms that all count as right


def read_speaker_set(path: str | Path = SPEAKER_SET) -> list[LabelledSpeaker]:
    with open(path, encoding="utf-8", newline="") as file:
        return [
            LabelledSpeaker(
                article=row["article"],
                article_sha1=row["article_sha1"],
                start=int(row["start"]),
                end=int(row["end"]),
                part=row["part"],
                category=row["category"],
                speaker=row["speaker"],
            )
            for row in csv.DictReader(file)
        ]


def predict_speakers(labelled: Sequence[LabelledSpeaker], articles: dict[str, dict]) -> list[str]:
    """The speaker ``attribute_speakers`` gives each labelled sentence, reading its whole article.

    ``articles`` maps an article id to its dataset row (``text`` and ``content_sha1``). A labelled span is
    matched to the sentence that contains its start, so a change to the sentence splitter does not break the
    set."""
    by_article: dict[str, list[tuple[int, int, str]]] = {}
    predicted = []
    for item in labelled:
        row = articles.get(item.article)
        if row is None:
            raise ValueError(f"Article {item.article} is not in the articles file.")
        if row["content_sha1"] != item.article_sha1:
            raise ValueError(f"Article {item.article} differs from the one that was labelled.")
        if item.article not in by_article:
            sentences = list(split_sentences(row["text"]))
            speakers = attribute_speakers(row["text"], sentences)
            by_article[item.article] = [
                (s.start, s.end, speaker) for s, speaker in zip(sentences, speakers, strict=True)
            ]
        predicted.append(
            next(
                (
                    speaker
                    for start, end, speaker in by_article[item.article]
                    if start <= item.start < end
                ),
                "",
            )
        )
    return predicted


_TITLE = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|sir|lord|lady|baroness|president|prime minister|chancellor|first minister|"
    r"senator|governor|mayor)\.?\s+)+"
)


def _normalise(name: str) -> str:
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip().lower())
    return _TITLE.sub("", name).removesuffix("'s")


def _head(name: str) -> str:
    """ "spokesman for michael howard" -> "spokesman": the one who speaks, not whom they speak for."""
    return re.split(r"\s(?:for|of|from|by)\s", name)[0]


def same_speaker(predicted: str, gold: str) -> bool:
    """Whether an answer names the labelled speaker: empty for none; otherwise equal to one of the label's
    forms, or ending with the same word, once titles, a leading article, case and a "for …"/"of …" after
    the head ("a spokesman for Michael Howard") are dropped."""
    if not gold:
        return not predicted.strip()
    answer = _normalise(predicted)
    if not answer:
        return False
    for form in map(_normalise, gold.split("|")):
        if answer == form or _head(answer).split()[-1] == _head(form).split()[-1]:
            return True
    return False


def speaker_report(labelled: Sequence[LabelledSpeaker], predicted: Sequence[str]) -> str:
    """Accuracy per part (development, held aside, all) and category; the last line is the figures as JSON."""
    right: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for item, answer in zip(labelled, predicted, strict=True):
        correct = same_speaker(answer, item.speaker)
        for part in (item.part, "all"):
            for category in (item.category, "all"):
                right[part, category].append(correct)
    columns = (*SPEAKER_CATEGORIES, "all")
    parts = [*dict.fromkeys(item.part for item in labelled), "all"]
    lines = [f"{'part':<12}" + "".join(f"{name:>16}" for name in columns)]
    summary = {}
    for part in parts:
        cells = []
        for category in columns:
            flags = right[part, category]
            cells.append(f"{sum(flags) / len(flags):.3f} ({len(flags)})" if flags else "-")
        lines.append(f"{part:<12}" + "".join(f"{cell:>16}" for cell in cells))
        summary[part] = round(sum(right[part, "all"]) / len(right[part, "all"]), 4)
    lines.append(json.dumps(summary))
    return "\n".join(lines)


def read_articles(path: str | Path, ids: Iterable[str]) -> dict[str, dict]:
    """The rows of a BBC News JSONL file whose ids are wanted."""
    wanted = set(ids)
    articles = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            if line.strip():
                row = json.loads(line)
                if row["id"] in wanted:
                    articles[row["id"]] = row
    return articles
