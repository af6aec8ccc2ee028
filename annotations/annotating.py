"""Saving an annotator's work on a claim: draft or submitted, with its sources."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from . import jobs, queue
from .audit import new_event, snapshot
from .errors import InvalidInput, StaleVersion
from .guidelines import current_guideline_number
from .models import (
    QUEUE_STATUSES,
    Annotation,
    AnnotationState,
    AuditEvent,
    Claim,
    ClaimReservation,
    ClaimStance,
    ClaimStatus,
    Job,
    Source,
    SourceStance,
    in_queue_sql,
)
from .web_addresses import check_web_address

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
    """The sources of an annotation as the page or the API sent them, checked: the one place
    for their rules. InvalidInput names the field, as `sources[1].url`."""
    if not isinstance(raw_sources, list):
        raise InvalidInput("Sources must be a list.", field="sources")
    cleaned = []
    for index, raw in enumerate(raw_sources):
        where = f"sources[{index}]"
        if not isinstance(raw, dict):
            raise InvalidInput("must be an object.", field=where)
        unknown = set(raw) - SOURCE_FIELDS
        if unknown:
            raise InvalidInput("unknown field.", field=f"{where}.{sorted(unknown)[0]}")
        url = check_web_address(raw.get("url"), field=f"{where}.url")
        if not url:
            raise InvalidInput("is missing.", field=f"{where}.url")
        stance = raw.get("stance", SourceStance.NEUTRAL)
        if stance not in SourceStance.values:
            raise InvalidInput(
                f"unknown stance {stance!r}; allowed: {', '.join(SourceStance.values)}.",
                field=f"{where}.stance",
            )
        texts = {name: source_text(raw, name, where) for name in SOURCE_TEXTS}
        cleaned.append({"url": url, "stance": stance, **texts})
    return cleaned


# A source's text fields, with their longest length where the column has one.
SOURCE_TEXTS = {"title": 500, "publisher": 200, "quote": None, "question": None, "answer": None}


def source_text(raw: dict[str, Any], name: str, where: str) -> str:
    if name not in raw:
        return ""
    value = raw[name]
    if not isinstance(value, str):
        raise InvalidInput("must be text.", field=f"{where}.{name}")
    value = value.strip()
    limit = SOURCE_TEXTS[name]
    if limit is not None and len(value) > limit:
        raise InvalidInput(f"is longer than {limit} characters.", field=f"{where}.{name}")
    return value


def annotation_snapshot(annotation: Annotation) -> dict[str, Any]:
    """The annotation with its sources, as the audit trail records it."""
    values = snapshot(annotation)
    values["sources"] = [
        {name: getattr(source, name) for name in sorted(SOURCE_FIELDS)}
        for source in annotation.cited_sources
    ]
    return values


def annotation_state(annotation: Annotation) -> dict[str, Any]:
    """The annotation as its annotator sees it, JSON-ready: one shape for the desk page, the
    API and the reply to a stale edit (409), so the desk takes any of them as it is.
    `claim_status` is the claim's status once this annotation is saved (a draft starts the
    claim, the last submission moves it to review): the desk shows it without asking again."""
    return {
        "id": annotation.pk,
        "claim": annotation.claim_id,
        "claim_status": annotation.claim.status,
        "annotator": annotation.annotator.username,
        "stance": annotation.stance,
        "verdict": annotation.verdict,
        "rationale": annotation.rationale,
        "checkworthy": annotation.checkworthy,
        "state": annotation.state,
        "version": annotation.version,
        "guideline_version": annotation.guideline_version,
        "sources": [source_state(source) for source in annotation.cited_sources],
        "created_at": json_time(annotation.created_at),
        "updated_at": json_time(annotation.updated_at),
        "submitted_at": json_time(annotation.submitted_at),
    }


def source_state(source: Source) -> dict[str, Any]:
    """A cited source, with where the archiving of its page stands: null for a source that
    is not archived here (imported with its annotation)."""
    try:
        job = source.fetch_job
    except Job.DoesNotExist:
        job = None
    return {
        "id": source.pk,
        "position": source.position,
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "quote": source.quote,
        "stance": source.stance,
        "question": source.question,
        "answer": source.answer,
        "published_at": json_time(source.published_at),
        "snapshot_sha256": source.snapshot_sha256,
        "fetched_at": json_time(source.fetched_at),
        "fetch_status": job.state if job else None,
        "fetch_error": job.error if job else "",
    }


def json_time(moment: datetime.datetime | None) -> str | None:
    """A time as the API writes it: ISO 8601 in the server's time zone, UTC as `Z`."""
    if moment is None:
        return None
    text = timezone.localtime(moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def claim_status_change(claim: Claim, actor) -> AuditEvent | None:
    """Move an open claim along as its annotations arrive: in progress once someone
    started, in review once the project's number of annotations are submitted; keep its
    disagreement flag (the review queue sorts on it) and its place in annotators' queues.

    One query counts, one writes what changed. Returns the audit event of a status change,
    not yet saved, so the caller can record it together with its own."""
    if claim.status not in OPEN_STATUSES:
        return None
    submitted = Q(state=AnnotationState.SUBMITTED)
    counts = Annotation.objects.filter(claim=claim).aggregate(
        submitted=Count("id", filter=submitted),
        total=Count("id"),
        verdicts=Count("verdict", filter=submitted, distinct=True),
        stances=Count("stance", filter=submitted, distinct=True),
    )
    places = claim.project.annotations_per_claim
    if counts["submitted"] >= places:
        status = ClaimStatus.IN_REVIEW
    elif counts["total"]:
        status = ClaimStatus.IN_PROGRESS
    else:
        status = ClaimStatus.UNSTARTED
    changes = {}
    disagreement = status == ClaimStatus.IN_REVIEW and (
        counts["verdicts"] > 1 or counts["stances"] > 1
    )
    if disagreement != claim.disagreement:
        changes["disagreement"] = disagreement
    event = None
    if status != claim.status:
        event = new_event(
            actor, claim, "status", before={"status": claim.status}, after={"status": status}
        )
        changes.update(status=status, updated_at=timezone.now())
    # Its places change with every submission (and assignment): counted by the update.
    changes["in_queue"] = in_queue_sql(places) if status in QUEUE_STATUSES else False
    Claim.objects.filter(pk=claim.pk).update(**changes)
    for name, value in changes.items():
        if name != "in_queue":
            setattr(claim, name, value)
    return event


def update_claim_status(claim: Claim, actor) -> None:
    """claim_status_change, with its audit event recorded."""
    event = claim_status_change(claim, actor)
    if event is not None:
        event.save()


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
    # Everything that needs no lock is checked before the transaction: on SQLite the
    # transaction holds the database's only write lock from its first statement.
    if stance and stance not in ClaimStance.values:
        raise InvalidInput(
            f"Unknown stance {stance!r}; allowed: {', '.join(ClaimStance.values)}.", field="stance"
        )
    verdict = check_verdict(claim, verdict)
    cleaned_sources = clean_sources(sources or [])
    if submit and not (stance and verdict):
        raise InvalidInput("A submitted annotation needs a stance and a verdict.", field="verdict")
    project = claim.project

    with transaction.atomic():
        # Lock the claim: two annotators submitting at once must not both leave it
        # "in progress" when together they complete it. Only the claim's row: locking its
        # project as well would make every save of the project wait for the others. Her
        # annotation, her reservation and the guidelines' version come with it.
        mine = Annotation.objects.filter(claim=OuterRef("pk"), annotator=user)
        reservation = ClaimReservation.objects.filter(claim=OuterRef("pk"), user=user)
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .annotate(
                annotation_id=Subquery(mine.values("pk")[:1]),
                reserved_until=Subquery(reservation.values("expires_at")[:1]),
                guideline_number=current_guideline_number(),
            )
            .get(pk=claim.pk)
        )
        claim.project = project
        if claim.status not in OPEN_STATUSES:
            raise InvalidInput(f"This claim is {claim.get_status_display().lower()}; it is closed.")
        if claim.annotation_id is None:
            if version not in (None, 0):
                raise StaleVersion(None, 0)
            # Her annotations of this claim are written only under the claim's lock.
            annotation = Annotation(claim=claim, annotator=user, version=0)
            before, previous_sources, was_submitted = None, [], False
        else:
            annotation = Annotation.objects.with_sources().get(pk=claim.annotation_id)
            if version is None:
                raise InvalidInput("Send the version your edit is based on.", field="version")
            annotation.claim = claim
            if version != annotation.version:
                raise StaleVersion(annotation, annotation.version)
            before = annotation_snapshot(annotation)
            previous_sources = annotation.cited_sources
            was_submitted = annotation.state == AnnotationState.SUBMITTED

        annotation.stance = stance
        annotation.verdict = verdict
        annotation.rationale = rationale or ""
        annotation.checkworthy = checkworthy
        annotation.state = AnnotationState.SUBMITTED if submit else AnnotationState.DRAFT
        annotation.submitted_at = timezone.now() if submit else None
        annotation.guideline_version = claim.guideline_number
        annotation.version += 1
        annotation.save()
        annotation.annotator = user
        sources, new_sources = store_sources(annotation, previous_sources, cleaned_sources)
        annotation.cited_sources = sources
        keep_reservation(claim, user, submit)
        action = "submit" if submit else ("create" if before is None else "update")
        events = [
            new_event(
                user,
                annotation,
                action,
                before=before,
                after=annotation_snapshot(annotation),
                project=project,
            )
        ]
        # A draft saved again on a started claim changes neither its status nor its places.
        if submit or was_submitted or claim.status == ClaimStatus.UNSTARTED:
            events.append(claim_status_change(claim, user))
        AuditEvent.objects.bulk_create([event for event in events if event is not None])
        annotation.claim = claim  # with its new status, for the answer
        jobs.queue_fetches(new_sources, project)
    return annotation


def keep_reservation(claim: Claim, user, submitted: bool) -> None:
    """Submitting ends her hold on the claim; saving a draft keeps it (creating or extending
    it, at most once a minute: autosave writes every few seconds). `claim.reserved_until`
    is her reservation's expiry as read under the claim's lock, None if she holds none."""
    if submitted:
        if claim.reserved_until is not None:
            queue.release_reservation(claim, user)
        return
    expires_at = queue.reservation_expiry()
    if claim.reserved_until is None:
        ClaimReservation.objects.create(claim=claim, user=user, expires_at=expires_at)
    elif expires_at - claim.reserved_until >= datetime.timedelta(minutes=1):
        ClaimReservation.objects.filter(claim=claim, user=user).update(expires_at=expires_at)


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
