"""What a dataset file holds once parsed: plain records with the line they came from,
checked against the project before anything is written."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from ..errors import InvalidInput
from ..web_addresses import check_web_address


@dataclass
class DocumentRecord:
    """A document to create. With `text` None it is a group of imported claims (a LIAR
    file, a ClaimReview appearance) whose text is made of the claims, one per paragraph."""

    key: str
    title: str
    text: str | None = None
    url: str = ""
    publisher: str = ""
    byline: str = ""
    published_at: datetime.datetime | None = None
    language: str = "en"
    line: int | None = None


@dataclass
class AnnotationRecord:
    annotator: str
    stance: str = ""
    verdict: str = ""
    rationale: str = ""
    checkworthy: bool | None = None
    state: str = "draft"
    guideline_version: int = 1
    submitted_at: datetime.datetime | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReviewRecord:
    editor: str
    action: str
    verdict: str = ""
    comment: str = ""
    annotation_by: str | None = None
    created_at: datetime.datetime | None = None


@dataclass
class CommentRecord:
    author: str
    body: str
    created_at: datetime.datetime | None = None


@dataclass
class ClaimRecord:
    line: int
    document_key: str
    text: str
    public_id: uuid.UUID | None = None
    start: int | None = None
    end: int | None = None
    speaker: str = ""
    score: float | None = None
    scorer_version: str = ""
    claim_types: list[str] = field(default_factory=list)
    origin: str = "imported"
    status: str = "approved"
    final_verdict: str = ""
    final_rationale: str = ""
    review_comment: str = ""
    rejection_reason: str = ""
    locked: bool = False
    # The public id of the claim this one was merged into.
    merged_into: uuid.UUID | None = None
    location_iso_code: str = ""
    claim_date: datetime.date | None = None
    review_url: str = ""
    review_date: datetime.date | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    annotations: list[AnnotationRecord] = field(default_factory=list)
    reviews: list[ReviewRecord] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)


@dataclass
class ParsedFile:
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    claims: list[ClaimRecord] = field(default_factory=list)
    errors: list[InvalidInput] = field(default_factory=list)


# The longest user name: an annotator, editor or comment author named in a file becomes one.
NAME_LENGTH = 150


def text_field(value: Any, name: str, line: int, *, required: bool = False, max_length=None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("must be text.", field=name, line=line)
    if "\x00" in value:
        # PostgreSQL cannot store it in a text column.
        raise InvalidInput("holds a NUL character.", field=name, line=line)
    if required and not value.strip():
        raise InvalidInput("is missing or empty.", field=name, line=line)
    if max_length and len(value) > max_length:
        raise InvalidInput(f"is longer than {max_length} characters.", field=name, line=line)
    return value


def url_field(value: Any, name: str, line: int) -> str:
    return check_web_address(value, field=name, line=line)


def date_field(value: Any, name: str, line: int) -> datetime.date | None:
    if value in (None, ""):
        return None
    parsed = parse_date(str(value)[:10]) if isinstance(value, str) else None
    if parsed is None:
        raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD).", field=name, line=line)
    return parsed


def datetime_field(value: Any, name: str, line: int) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        day = parse_date(value) if isinstance(value, str) else None
        if day is None:
            raise InvalidInput(f"{value!r} is not a date and time.", field=name, line=line)
        parsed = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def choice_field(value: Any, name: str, line: int, choices: list[str], default: str = "") -> str:
    value = default if value in (None, "") else value
    if value not in choices:
        raise InvalidInput(
            f"{value!r} is not one of {', '.join(c for c in choices if c)}.", field=name, line=line
        )
    return value


def uuid_field(value: Any, name: str, line: int) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput(
            f"{value!r} is not a claim id (a UUID).", field=name, line=line
        ) from None


def refuse_unknown(raw: dict[str, Any], known: Container[str], where: str, line: int) -> None:
    """A field the workbench does not know would be lost on import: refused, named."""
    for name in raw:
        if name not in known:
            raise InvalidInput(
                "unknown field; the file may come from another tool or a newer version.",
                field=f"{where}.{name}" if where else name,
                line=line,
            )
