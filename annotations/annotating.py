"""Saving an annotator's work on a claim: draft or submitted, with its sources."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from . import queue
from .audit import record_event, snapshot
from .errors import InvalidInput, StaleVersion
from .guidelines import current_guideline_version
from .models import Annotation, Claim, ClaimStatus, Source, Stance

SOURCE_FIELDS = {"url", "title", "publisher", "quote", "stance", "question", "answer"}
OPEN_STATUSES = (ClaimStatus.UNSTARTED, ClaimStatus.IN_PROGRESS, ClaimStatus.IN_REVIEW)


def check_verdict(claim: Claim, verdict: str, field: str = "verdict") -> str:
    """The verdict key if the project's scale knows it; a free-text scale takes any text."""
    verdict = (verdict or "").strip()
    scale = claim.project.rating_scale
    if not verdict or scale.free_text:
        return verdict[:200]
    allowed = scale.allowed_keys()
    if verdict not in allowed:
        raise InvalidInput(
            f"Unknown verdict {verdict!r}; allowed: {', '.join(allowed)}.", field=field
        )
    return verdict


def clean_sources(raw_sources: list[dict[str, Any]]) -> list[dict[str, str]]:
    if not isinstance(raw_sources, list):
        raise InvalidInput("Sources must be a list.", field="sources")
    cleaned = []
    for index, raw in enumerate(raw_sources, start=1):
        if not isinstance(raw, dict):
            raise InvalidInput(f"source {index} must be an object.", field="sources")
        unknown = set(raw) - SOURCE_FIELDS
        if unknown:
            raise InvalidInput(
                f"source {index}: unknown field {sorted(unknown)[0]!r}.", field="sources"
            )
        url = (raw.get("url") or "").strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise InvalidInput(
                f"source {index}: {url!r} is not a web address.", field="sources"
            ) from None
        stance = raw.get("stance") or Source.Stance.NEUTRAL
        if stance not in Source.Stance.values:
            raise InvalidInput(
                f"source {index}: unknown stance {stance!r}; "
                f"allowed: {', '.join(Source.Stance.values)}.",
                field="sources",
            )
        cleaned.append(
            {
                "url": url,
                "title": (raw.get("title") or "").strip()[:500],
                "publisher": (raw.get("publisher") or "").strip()[:200],
                "quote": raw.get("quote") or "",
                "stance": stance,
                "question": raw.get("question") or "",
                "answer": raw.get("answer") or "",
            }
        )
    return cleaned


def annotation_state(annotation: Annotation) -> dict[str, Any]:
    """The annotation with its sources, as recorded in the audit trail and sent on conflict."""
    values = snapshot(annotation)
    values["sources"] = [
        {name: getattr(source, name) for name in sorted(SOURCE_FIELDS)}
        for source in annotation.sources.all()
    ]
    return values


def update_claim_status(claim: Claim, actor) -> None:
    """Move an open claim along as its annotations arrive: in progress once someone
    started, in review once the project's number of annotations are submitted."""
    if claim.status not in OPEN_STATUSES:
        return
    counts = claim.annotations.aggregate(
        submitted=Count("id", filter=Q(state=Annotation.State.SUBMITTED)), total=Count("id")
    )
    if counts["submitted"] >= claim.project.annotations_per_claim:
        status = ClaimStatus.IN_REVIEW
    elif counts["total"]:
        status = ClaimStatus.IN_PROGRESS
    else:
        status = ClaimStatus.UNSTARTED
    # The review queue sorts on the stored flag; an annotation edited in review changes it.
    disagreement = status == ClaimStatus.IN_REVIEW and claim.annotations_disagree()
    if disagreement != claim.disagreement:
        claim.disagreement = disagreement
        claim.save(update_fields=["disagreement"])
    if status != claim.status:
        record_event(
            actor, claim, "status", before={"status": claim.status}, after={"status": status}
        )
        claim.status = status
        claim.save(update_fields=["status", "updated_at"])


def save_annotation(
    claim: Claim,
    user,
    *,
    stance: str = "",
    verdict: str = "",
    rationale: str = "",
    checkworthy: bool | None = None,
    sources: list[dict[str, Any]] | None = None,
    submit: bool = False,
    version: int | None = None,
) -> Annotation:
    """Save the user's annotation of a claim, as a draft or submitted for review.

    `version` is the annotation version the edit was based on (0 or None for a new one);
    a different current version means someone (another tab) saved in between."""
    if stance and stance not in Stance.values:
        raise InvalidInput(
            f"Unknown stance {stance!r}; allowed: {', '.join(Stance.values)}.", field="stance"
        )
    verdict = check_verdict(claim, verdict)
    cleaned_sources = clean_sources(sources or [])
    if submit and not (stance and verdict):
        raise InvalidInput("A submitted annotation needs a stance and a verdict.", field="verdict")

    with transaction.atomic():
        # Lock the claim: two annotators submitting at once must not both leave it
        # "in progress" when together they complete it.
        claim = (
            Claim.objects.select_for_update()
            .select_related("project__rating_scale")
            .get(pk=claim.pk)
        )
        if claim.status not in OPEN_STATUSES:
            raise InvalidInput(f"This claim is {claim.get_status_display().lower()}; it is closed.")
        annotation = (
            Annotation.objects.select_for_update()
            .prefetch_related("sources")
            .filter(claim=claim, annotator=user)
            .first()
        )
        if annotation is None:
            if version not in (None, 0):
                raise StaleVersion(None, 0)
            annotation = Annotation(claim=claim, annotator=user, version=0)
            before = None
        else:
            if version is None:
                raise InvalidInput("Send the version your edit is based on.", field="version")
            if version != annotation.version:
                raise StaleVersion(annotation, annotation.version)
            before = annotation_state(annotation)

        annotation.stance = stance
        annotation.verdict = verdict
        annotation.rationale = rationale or ""
        annotation.checkworthy = checkworthy
        annotation.state = Annotation.State.SUBMITTED if submit else Annotation.State.DRAFT
        annotation.submitted_at = timezone.now() if submit else None
        annotation.guideline_version = current_guideline_version(claim.project)
        annotation.version += 1
        annotation.save()
        annotation.annotator = user
        previous_sources = list(annotation.sources.all()) if before is not None else []
        sources, new_sources = store_sources(annotation, previous_sources, cleaned_sources)
        # The annotation's sources are now exactly these: the audit trail and the answer
        # read them from here instead of asking the database again.
        annotation._prefetched_objects_cache = {"sources": sources}
        if submit:
            queue.release_reservation(claim, user)
        else:
            queue.extend_reservation(claim, user)
        action = "submit" if submit else ("create" if before is None else "update")
        record_event(
            user,
            annotation,
            action,
            before=before,
            after=annotation_state(annotation),
            project=claim.project,
        )
        update_claim_status(claim, user)
        for source in new_sources:
            transaction.on_commit(lambda pk=source.pk: enqueue_fetch(pk))
    return annotation


def enqueue_fetch(source_id: int) -> None:
    from .tasks import fetch_source

    fetch_source.delay(source_id)


def store_sources(
    annotation: Annotation, previous: list[Source], cleaned: list[dict[str, str]]
) -> tuple[list[Source], list[Source]]:
    """Make the annotation's sources the cleaned list, in its order.

    A source whose URL was already there is updated in place, so its archived snapshot
    survives every autosave; a title or publisher left blank keeps the fetched one.
    Returns all the sources in order, and those that are new, whose pages are to be fetched."""
    existing: dict[str, list[Source]] = {}
    for source in previous:
        existing.setdefault(source.url, []).append(source)
    result, kept, new = [], [], []
    for position, values in enumerate(cleaned):
        matches = existing.get(values["url"])
        if matches:
            source = matches.pop(0)
            for name in ("title", "publisher"):
                if not values[name]:
                    values[name] = getattr(source, name)
            changed = position != source.position or any(
                getattr(source, name) != value for name, value in values.items()
            )
            for name, value in values.items():
                setattr(source, name, value)
            source.position = position
            if changed:
                source.save()
            kept.append(source.pk)
            result.append(source)
        else:
            source = Source(annotation=annotation, position=position, **values)
            new.append(source)
            result.append(source)
    if any(sources for sources in existing.values()):
        annotation.sources.exclude(pk__in=kept).delete()
    Source.objects.bulk_create(new)
    return result, new
