"""ClaimReview JSON-LD in: a JSON array of ClaimReview objects (as the export writes), a
single object, an object with an `@graph`, or one object per line. Claims are grouped
into one document per first appearance, so each stands in the article it came from."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import InvalidInput, describe_json_error
from ..json_input import check_depth, load_json, too_deep
from ..models import RatingScale
from .records import ClaimRecord, DocumentRecord, ParsedFile, date_field, text_field, url_field

DECODER = json.JSONDecoder()


def items_with_lines(content: str) -> list[tuple[int, Any]]:
    """Each top-level object with the line it starts on, so errors can name it."""
    stripped = content.lstrip()
    offset = len(content) - len(stripped)
    if stripped.startswith("["):
        items, pos = [], offset + 1
        while True:
            while pos < len(content) and content[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(content):
                raise InvalidInput("the JSON array is not closed.", line=content.count("\n") + 1)
            if content[pos] == "]":
                return items
            line = content.count("\n", 0, pos) + 1
            try:
                item, pos = DECODER.raw_decode(content, pos)
            except json.JSONDecodeError as exc:
                raise InvalidInput(describe_json_error(exc), line=exc.lineno) from None
            except RecursionError:
                raise too_deep(line) from None
            items.append((line, check_depth(item, line=line)))
    try:
        document = json.loads(content)
    except json.JSONDecodeError:
        document = None
    except RecursionError:
        raise too_deep() from None
    check_depth(document)
    if isinstance(document, dict):
        graph = document.get("@graph")
        return [(1, item) for item in graph] if isinstance(graph, list) else [(1, document)]
    # JSON Lines: one ClaimReview per line.
    items = []
    for line, raw in enumerate(content.splitlines(), start=1):
        if raw.strip():
            items.append((line, load_json(raw, line=line)))
    return items


def url_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("url") or ""
    return ""


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def numeric_verdict(value: float, worst: float, best: float, labels: list) -> str:
    """Place a numeric rating on the project's scale by its position on the source scale.

    Rating scales share their truest step and differ in how many shades of false they
    have below it, so a source scale with as many steps as ours, or one fewer (a 1..5
    scale against six labels), is read step by step down from its best value: 5 is True,
    2 Mostly false. Other sources are placed in proportion, from worst to best."""
    ordered = sorted(labels, key=lambda label: label.ordinal)
    steps = best - worst + 1
    if (
        float(value).is_integer()
        and worst.is_integer()
        and len(ordered) - 1 <= steps <= len(ordered)
    ):
        return ordered[len(ordered) - 1 - int(best - value)].key
    low, high = ordered[0].ordinal, ordered[-1].ordinal
    target = low + (value - worst) / (best - worst) * (high - low)
    return min(ordered, key=lambda label: abs(label.ordinal - target)).key


def verdict_for(rating: Any, scale: RatingScale, line: int) -> str:
    """The scale's key for a reviewRating: by its alternateName (label or key, any case),
    else by a numeric ratingValue placed by its position between worstRating (1 when not
    given, as schema.org says) and bestRating (5 when not given)."""
    if not isinstance(rating, dict):
        raise InvalidInput("is missing.", field="reviewRating", line=line)
    name = str(rating.get("alternateName") or "").strip()
    if scale.free_text:
        return text_field(name, "reviewRating.alternateName", line, required=True)[:200]
    labels = list(scale.labels.all())
    for label in labels:
        if name and normalise(name) in (normalise(label.label), normalise(label.key)):
            return label.key
    try:
        value = float(rating["ratingValue"])
        best = float(rating.get("bestRating", 5))
        worst = float(rating.get("worstRating", 1))
    except (KeyError, TypeError, ValueError):
        value = best = worst = None
    if value is not None and worst < best and worst <= value <= best and scale.is_numeric:
        return numeric_verdict(value, worst, best, labels)
    raise InvalidInput(
        f"{name!r} is not on this project's rating scale ({', '.join(label.label for label in labels)}).",
        field="reviewRating.alternateName",
        line=line,
    )


def parse_item(item: Any, line: int, scale: RatingScale, parsed: ParsedFile, name: str) -> None:
    if not isinstance(item, dict) or item.get("@type") != "ClaimReview":
        raise InvalidInput("is not a ClaimReview object.", field="@type", line=line)
    reviewed = item.get("itemReviewed") or {}
    if not isinstance(reviewed, dict):
        raise InvalidInput("must be an object.", field="itemReviewed", line=line)
    author = reviewed.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    speaker = author.get("name") if isinstance(author, dict) else author
    appearances = reviewed.get("appearance") or []
    if not isinstance(appearances, list):
        appearances = [appearances]
    first = url_of(reviewed.get("firstAppearance"))
    document_url = first or next((url_of(a) for a in appearances if url_of(a)), "")
    document_url = url_field(document_url, "itemReviewed.firstAppearance", line)
    headline = next(
        (
            a.get("headline")
            for a in appearances
            if isinstance(a, dict) and url_of(a) == document_url
        ),
        "",
    )
    metadata: dict[str, Any] = {}
    others = [url_of(a) for a in appearances if url_of(a) and url_of(a) != document_url]
    if others:
        metadata["appearances"] = [url_field(u, "itemReviewed.appearance", line) for u in others]
    if isinstance(author, dict) and author.get("@type") not in (None, "Person"):
        metadata["author_type"] = author["@type"]
    reviewer = item.get("author")
    if isinstance(reviewer, list):
        reviewer = reviewer[0] if reviewer else None
    if isinstance(reviewer, dict) and reviewer.get("name"):
        # Kept whole, so that exporting credits the fact-check to who published it.
        metadata["review_author"] = {
            "@type": text_field(reviewer.get("@type") or "Organization", "author.@type", line),
            "name": text_field(reviewer["name"], "author.name", line, max_length=200),
        }
        if reviewer.get("url"):
            metadata["review_author"]["url"] = url_field(reviewer["url"], "author.url", line)
    key = document_url or "claimreview"
    if key not in parsed.documents:
        parsed.documents[key] = DocumentRecord(
            key=key,
            title=(headline or document_url or f"ClaimReview: {name}")[:500],
            url=document_url,
        )
    parsed.claims.append(
        ClaimRecord(
            line=line,
            document_key=key,
            text=text_field(item.get("claimReviewed"), "claimReviewed", line, required=True),
            speaker=text_field(speaker or "", "itemReviewed.author.name", line, max_length=200),
            final_verdict=verdict_for(item.get("reviewRating"), scale, line),
            final_rationale=text_field(item.get("reviewBody"), "reviewBody", line),
            claim_date=date_field(
                reviewed.get("datePublished"), "itemReviewed.datePublished", line
            ),
            review_url=url_field(item.get("url"), "url", line),
            review_date=date_field(item.get("datePublished"), "datePublished", line),
            metadata=metadata,
        )
    )


def parse(content: str, name: str, scale: RatingScale) -> ParsedFile:
    parsed = ParsedFile()
    for line, item in items_with_lines(content):
        try:
            parse_item(item, line, scale, parsed, name)
        except InvalidInput as exc:
            parsed.errors.append(exc)
    return parsed
