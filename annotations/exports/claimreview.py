"""ClaimReview JSON-LD (schema.org), as Google's fact-check markup documents it: one
ClaimReview per approved claim, as a JSON array. Empty properties are left out rather than
written empty. See docs/formats.md for every field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from django.conf import settings

from ..errors import InvalidInput
from ..models import ClaimStatus, Project, RatingLabel, RatingScale
from .chunks import Progress, filtered_claims
from .filters import ExportFilters
from .rows import Row, claim_day, iso, iter_claims, review_day


def site_url(project: Project) -> str:
    """Where the project's fact-checks are published: its organisation's URL, else the
    deployment's FACTCHECK_SITE_URL."""
    organisation = project.organisation
    return (organisation.url if organisation else "") or settings.FACTCHECK_SITE_URL


def check_claimreview(project: Project, filters: ExportFilters | None = None) -> None:
    """Refuse, before anything is written, an export that would need a review URL the
    workbench cannot make absolute: Google ignores a ClaimReview without one."""
    if site_url(project):
        return
    unpublished = (
        filtered_claims(project, filters)
        .filter(status=ClaimStatus.APPROVED, review_url="")
        .exclude(final_verdict="")
    )
    if unpublished.exists():
        raise InvalidInput(
            "ClaimReview needs the absolute URL of each fact-check: set the project's "
            "organisation URL (or the deployment's FACTCHECK_SITE_URL).",
            field="organisation_url",
        )


def numeric_range(scale: RatingScale) -> tuple[int, int] | None:
    """The lowest and highest rating value (the scale editor's ClaimReview rating, else the
    ordinal) of a scale whose labels all have one."""
    return scale.rating_range()


def creative_work(url: str, headline: str = "") -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
    if headline:
        work["headline"] = headline
    return work


def review_author(project: Project, metadata: dict[str, Any]) -> dict[str, Any]:
    """The organisation that published the fact-check: an imported review's own, else the
    project's."""
    imported = metadata.get("review_author")
    if isinstance(imported, dict) and imported.get("name"):
        author = {"@type": imported.get("@type") or "Organization", "name": imported["name"]}
        if imported.get("url"):
            author["url"] = imported["url"]
        return author
    organisation = project.organisation
    author = {"@type": "Organization", "name": organisation.name if organisation else project.name}
    if site_url(project):
        author["url"] = site_url(project)
    return author


def rating(row: Row, label: RatingLabel | None, numeric: tuple[int, int] | None) -> dict:
    """Google wants numbers from worstRating (at least 1) to bestRating: the scale's
    rating values, shifted so that its lowest is 1."""
    value: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": label.label if label else row["final_verdict"],
    }
    if numeric and label is not None:
        low, high = numeric
        value.update(
            ratingValue=label.rating_value - low + 1, bestRating=high - low + 1, worstRating=1
        )
    return value


def claim_review(
    row: Row, project: Project, labels: dict[str, RatingLabel], numeric: tuple[int, int] | None
) -> dict:
    document = row["document"]
    metadata = row["metadata"] or {}
    appearances = [creative_work(document["url"], document["title"])] if document["url"] else []
    appearances += [creative_work(url) for url in metadata.get("appearances", [])]
    first = metadata.get("first_appearance") or document["url"]
    item: dict[str, Any] = {"@type": "Claim"}
    if row["speaker"]:
        item["author"] = {"@type": metadata.get("author_type", "Person"), "name": row["speaker"]}
    if claim_day(row):
        item["datePublished"] = iso(claim_day(row))
    if appearances:
        item["appearance"] = appearances
    if first:
        item["firstAppearance"] = creative_work(first)
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        # The published fact-check when known; else a stable per-claim anchor on the
        # organisation's site, so every review has a distinct absolute url.
        "url": row["review_url"] or f"{site_url(project)}#claim-{row['public_id']}",
        "claimReviewed": row["text"],
        "author": review_author(project, metadata),
        "itemReviewed": item,
        "reviewRating": rating(row, labels.get(row["final_verdict"]), numeric),
    }
    if row["final_rationale"]:
        review["reviewBody"] = row["final_rationale"]
    if review_day(row):
        review["datePublished"] = iso(review_day(row))
    return review


# JSON-LD is published inside a page's <script type="application/ld+json">: a `</script>`
# in a claim would end the element there, and `<!--` would change how the rest is read.
# These characters only occur inside JSON strings, where the escapes mean the same text.
EMBEDDING_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def embeddable(json_text: str) -> str:
    """JSON text that can sit in a <script> element as it is, parsing to the same value."""
    return json_text.translate(EMBEDDING_ESCAPES)


def write_claimreview(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    labels = {label.key: label for label in project.rating_scale.labels.all()}
    numeric = numeric_range(project.rating_scale)
    yield "["
    first = True
    for row in iter_claims(project, filters, sources=False, progress=progress):
        if row["status"] != ClaimStatus.APPROVED or not row["final_verdict"]:
            continue
        text = embeddable(orjson.dumps(claim_review(row, project, labels, numeric)).decode())
        yield ("\n" if first else ",\n") + text
        first = False
        if progress is not None:
            progress.written += 1
    yield "\n]\n"
