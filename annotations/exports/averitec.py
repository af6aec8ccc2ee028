"""AVeriTeC JSON: one array of claims in the shape of the AVeriTeC dataset, with the
sources that carry a question as question/answer evidence. See docs/formats.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson

from ..models import FeverLabel, Project, Stance
from .filters import ExportFilters
from .rows import Progress, Row, claim_day, iter_claims

SUPPORTED = "Supported"
REFUTED = "Refuted"
NOT_ENOUGH_EVIDENCE = "Not Enough Evidence"
CONFLICTING = "Conflicting Evidence/Cherrypicking"

STANCE_LABELS = {
    Stance.SUPPORTED: SUPPORTED,
    Stance.REFUTED: REFUTED,
    Stance.NOT_ENOUGH_EVIDENCE: NOT_ENOUGH_EVIDENCE,
    Stance.CONFLICTING: CONFLICTING,
}


def averitec_label(fever_label: str, stances: list[str]) -> str | None:
    """SUPPORTS and REFUTES map directly. A verdict FEVER calls NOT ENOUGH INFO (half
    true, inconclusive) is Conflicting Evidence/Cherrypicking when most annotators said
    the evidence conflicts, else Not Enough Evidence. A scale with no FEVER mapping (free
    text) takes the annotators' most common stance."""
    if fever_label == FeverLabel.SUPPORTS:
        return SUPPORTED
    if fever_label == FeverLabel.REFUTES:
        return REFUTED
    common = Counter(s for s in stances if s).most_common(1)
    if fever_label == FeverLabel.NOT_ENOUGH_INFO:
        return CONFLICTING if common and common[0][0] == Stance.CONFLICTING else NOT_ENOUGH_EVIDENCE
    return STANCE_LABELS.get(common[0][0]) if common else None


def questions(row: Row) -> list[dict[str, Any]]:
    by_question: dict[str, list[dict[str, Any]]] = {}
    for annotation in row["annotations"]:
        for source in annotation["sources"]:
            if not source["question"]:
                continue
            by_question.setdefault(source["question"], []).append(
                {
                    "answer": source["answer"],
                    "answer_type": "Abstractive",
                    "source_url": source["url"],
                    "source_medium": "Web text",
                    "cached_source_url": None,
                }
            )
    return [{"question": q, "answers": answers} for q, answers in by_question.items()]


def averitec_record(row: Row, fever: dict[str, str]) -> dict[str, Any] | None:
    label = averitec_label(
        fever.get(row["final_verdict"], ""), [a["stance"] for a in row["annotations"]]
    )
    if not row["final_verdict"] or label is None:
        return None
    day = claim_day(row)
    document = row["document"]
    return {
        "claim": row["text"],
        "required_reannotation": False,
        "label": label,
        "justification": row["final_rationale"],
        # AVeriTeC writes dates day-month-year.
        "claim_date": f"{day.day}-{day.month}-{day.year}" if day else None,
        "speaker": row["speaker"] or None,
        "original_claim_url": document["url"] or None,
        "fact_checking_article": row["review_url"] or None,
        "reporting_source": document["publisher"] or None,
        "location_ISO_code": None,
        "claim_types": row["claim_types"],
        "fact_checking_strategies": [],
        "questions": questions(row),
    }


def write_averitec(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    fever = {label.key: label.fever_label for label in project.rating_scale.labels.all()}
    yield "["
    first = True
    for row in iter_claims(project, filters, reviews=False, progress=progress):
        record = averitec_record(row, fever)
        if record is None:
            continue
        yield ("\n" if first else ",\n") + orjson.dumps(record).decode()
        first = False
        if progress is not None:
            progress.written += 1
    yield "\n]\n"
