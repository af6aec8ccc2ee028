"""ClaimReview JSON-LD (schema.org): one ClaimReview per approved claim, as a JSON array.
See docs/formats.md for every field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from ..models import ClaimStatus, Project
from .filters import ExportFilters
from .rows import Progress, Row, claim_day, iso, iter_claims, review_day


def creative_work(url: str, headline: str = "") -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
    if headline:
        work["headline"] = headline
    return work


def claim_review(row: Row, project: Project, labels: dict, numeric: tuple | None) -> dict:
    document = row["document"]
    metadata = row["metadata"] or {}
    label = labels.get(row["final_verdict"])
    appearances = [creative_work(document["url"], document["title"])] if document["url"] else []
    appearances += [creative_work(url) for url in metadata.get("appearances", [])]
    first = metadata.get("first_appearance") or (document["url"] or None)
    item: dict[str, Any] = {"@type": "Claim"}
    if row["speaker"]:
        item["author"] = {"@type": metadata.get("author_type", "Person"), "name": row["speaker"]}
    if claim_day(row):
        item["datePublished"] = iso(claim_day(row))
    item["appearance"] = appearances
    if first:
        item["firstAppearance"] = creative_work(first)
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": label.label if label else row["final_verdict"],
    }
    if numeric and label is not None:
        rating.update(ratingValue=label.ordinal, bestRating=numeric[1], worstRating=numeric[0])
    organisation = {"@type": "Organization", "name": project.organisation_name or project.name}
    if project.organisation_url:
        organisation["url"] = project.organisation_url
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        # The published fact-check when known; else a stable per-claim anchor on the
        # organisation's site, so every review has a distinct url.
        "url": row["review_url"] or f"{project.organisation_url or ''}#claim-{row['id']}",
        "claimReviewed": row["text"],
        "author": organisation,
        "itemReviewed": item,
        "reviewRating": rating,
    }
    if review_day(row):
        review["datePublished"] = iso(review_day(row))
    return review


def write_claimreview(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    scale = project.rating_scale
    labels = {label.key: label for label in scale.labels.all()}
    ordinals = [label.ordinal for label in labels.values()]
    numeric = (min(ordinals), max(ordinals)) if scale.is_numeric else None
    yield "["
    first = True
    for row in iter_claims(project, filters, sources=False, progress=progress):
        if row["status"] != ClaimStatus.APPROVED or not row["final_verdict"]:
            continue
        text = orjson.dumps(claim_review(row, project, labels, numeric)).decode()
        yield ("\n" if first else ",\n") + text
        first = False
        if progress is not None:
            progress.written += 1
    yield "\n]\n"
