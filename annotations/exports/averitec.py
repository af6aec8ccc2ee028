"""AVeriTeC JSON: one array of claims in the shape and vocabulary of the AVeriTeC dataset
(Schlichtkrull et al., 2023), with the sources that carry a question as question/answer
evidence. Our claim types and source kinds are named in AVeriTeC's words through a
mapping each project may edit (`Project.averitec_vocabulary` over DEFAULT_VOCABULARY).
See docs/formats.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import orjson

from ..errors import InvalidInput
from ..models import ClaimStance, FeverLabel, Project
from .chunks import Progress
from .filters import ExportFilters
from .rows import Row, claim_day, iter_claims

SUPPORTED = "Supported"
REFUTED = "Refuted"
NOT_ENOUGH_EVIDENCE = "Not Enough Evidence"
CONFLICTING = "Conflicting Evidence/Cherrypicking"

STANCE_LABELS = {
    ClaimStance.SUPPORTED: SUPPORTED,
    ClaimStance.REFUTED: REFUTED,
    ClaimStance.NOT_ENOUGH_EVIDENCE: NOT_ENOUGH_EVIDENCE,
    ClaimStance.CONFLICTING: CONFLICTING,
}

# AVeriTeC's own vocabularies.
CLAIM_TYPES_AVERITEC = (
    "Speculative Claim",
    "Opinion Claim",
    "Causal Claim",
    "Numerical Claim",
    "Quote Verification",
    "Position Statement",
    "Event/Property Claim",
    "Media Publishing Claim",
    "Media Analysis Claim",
)
STRATEGIES = (
    "Written Evidence",
    "Numerical Comparison",
    "Consultation",
    "Expert Consultation",
    "Satirical Source Identification",
    "Fact-checker Reference",
    "Media Source Discovery",
    "Image analysis",
    "Video analysis",
    "Audio analysis",
    "Geolocation",
)
SOURCE_MEDIA = ("Web text", "PDF", "Image/graphic", "Video", "Audio", "Metadata", "Other")

# What a source is, as far as its address tells.
SOURCE_KINDS = ("web", "pdf", "image", "video", "audio")
_SUFFIXES = {
    "pdf": (".pdf",),
    "image": (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"),
    "video": (".mp4", ".webm", ".mov", ".m3u8"),
    "audio": (".mp3", ".wav", ".ogg", ".m4a"),
}
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "tiktok.com", "dailymotion.com")

DEFAULT_VOCABULARY: dict[str, dict[str, Any]] = {
    # Our claim type -> AVeriTeC claim type.
    "claim_types": {
        "statistic": "Numerical Claim",
        "comparison": "Numerical Claim",
        "quote": "Quote Verification",
        "prediction": "Speculative Claim",
        "causal": "Causal Claim",
        "event": "Event/Property Claim",
        "attribution": "Position Statement",
        "other": "Event/Property Claim",
    },
    # Source kind -> AVeriTeC source medium of its answers.
    "source_media": {
        "web": "Web text",
        "pdf": "PDF",
        "image": "Image/graphic",
        "video": "Video",
        "audio": "Audio",
    },
    # Our claim type or a source kind -> the fact-checking strategies it implies.
    "strategies": {
        "statistic": ["Numerical Comparison"],
        "comparison": ["Numerical Comparison"],
        "web": ["Written Evidence"],
        "pdf": ["Written Evidence"],
        "image": ["Image analysis"],
        "video": ["Video analysis"],
        "audio": ["Audio analysis"],
    },
}


def check_vocabulary(value: Any) -> dict[str, dict[str, Any]]:
    """A project's mapping, checked: known sections, our names on the left, AVeriTeC's on
    the right. InvalidInput names the first bad entry."""
    field = "averitec_vocabulary"
    if not isinstance(value, dict):
        raise InvalidInput("must be an object.", field=field)
    # Our claim types are those extraction/claim_types.py tags, all in the default mapping
    # (a test keeps the two lists the same).
    claim_types = tuple(DEFAULT_VOCABULARY["claim_types"])
    allowed = {
        "claim_types": (claim_types, CLAIM_TYPES_AVERITEC),
        "source_media": (SOURCE_KINDS, SOURCE_MEDIA),
        "strategies": (claim_types + SOURCE_KINDS, STRATEGIES),
    }
    for section, mapping in value.items():
        if section not in allowed:
            raise InvalidInput(
                f"unknown section {section!r}; use {', '.join(allowed)}.", field=field
            )
        if not isinstance(mapping, dict):
            raise InvalidInput(f"{section} must be an object.", field=field)
        ours, theirs = allowed[section]
        for key, target in mapping.items():
            if key not in ours:
                raise InvalidInput(
                    f"{section}: {key!r} is not one of {', '.join(ours)}.", field=field
                )
            targets = target if section == "strategies" else [target]
            if not isinstance(targets, list) or any(t not in theirs for t in targets):
                raise InvalidInput(
                    f"{section}.{key}: {target!r} is not AVeriTeC's; use {', '.join(theirs)}.",
                    field=field,
                )
    return value


def vocabulary_for(project: Project) -> dict[str, dict[str, Any]]:
    """The default mapping with the project's own entries over it."""
    own = project.averitec_vocabulary or {}
    return {
        section: {**default, **own.get(section, {})}
        for section, default in DEFAULT_VOCABULARY.items()
    }


def source_kind(url: str) -> str:
    parts = urlsplit(url)
    path, host = parts.path.lower(), (parts.hostname or "").removeprefix("www.")
    if host in _VIDEO_HOSTS:
        return "video"
    for kind, suffixes in _SUFFIXES.items():
        if path.endswith(suffixes):
            return kind
    return "web"


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
        return (
            CONFLICTING
            if common and common[0][0] == ClaimStance.CONFLICTING
            else NOT_ENOUGH_EVIDENCE
        )
    return STANCE_LABELS.get(common[0][0]) if common else None


def averitec_type(claim_type: str, vocabulary: dict[str, dict[str, Any]]) -> str | None:
    """AVeriTeC's name for one of our claim types; a type that is already AVeriTeC's (an
    imported claim's) stays; others have none."""
    if claim_type in CLAIM_TYPES_AVERITEC:
        return claim_type
    return vocabulary["claim_types"].get(claim_type)


def unique(items) -> list:
    return list(dict.fromkeys(item for item in items if item))


def questions(row: Row, media: dict[str, str]) -> list[dict[str, Any]]:
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
                    "source_medium": media.get(source_kind(source["url"]), "Other"),
                    "cached_source_url": None,
                }
            )
    return [{"question": q, "answers": answers} for q, answers in by_question.items()]


def averitec_record(
    row: Row,
    fever: dict[str, str],
    vocabulary: dict[str, dict[str, Any]],
    location: str,
    chosen: dict[str, str] | None = None,
) -> dict[str, Any] | None:
    # The scale's own AVeriTeC label for the verdict when its editor set one.
    label = (chosen or {}).get(row["final_verdict"]) or averitec_label(
        fever.get(row["final_verdict"], ""), [a["stance"] for a in row["annotations"]]
    )
    if not row["final_verdict"] or label is None:
        return None
    day = claim_day(row)
    document = row["document"]
    kinds = unique(
        source_kind(source["url"]) for a in row["annotations"] for source in a["sources"]
    )
    strategies = vocabulary["strategies"]
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
        "location_ISO_code": row["location_iso_code"] or location or None,
        "claim_types": unique(averitec_type(t, vocabulary) for t in row["claim_types"]),
        "fact_checking_strategies": unique(
            strategy
            for name in [*row["claim_types"], *kinds]
            for strategy in strategies.get(name, [])
        ),
        "questions": questions(row, vocabulary["source_media"]),
    }


def write_averitec(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    labels = project.rating_scale.labels.all()
    fever = {label.key: label.fever_label for label in labels}
    chosen = {label.key: label.averitec_label for label in labels if label.averitec_label}
    vocabulary = vocabulary_for(project)
    yield "["
    first = True
    for row in iter_claims(project, filters, reviews=False, progress=progress):
        record = averitec_record(row, fever, vocabulary, project.location_iso_code, chosen)
        if record is None:
            continue
        yield ("\n" if first else ",\n") + orjson.dumps(record).decode()
        first = False
        if progress is not None:
            progress.written += 1
    yield "\n]\n"
