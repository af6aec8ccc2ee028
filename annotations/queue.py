"""An annotator's queue: which claim she should annotate next, holding it for her a while,
and passing on claims she skips."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from .audit import record_event
from .errors import InvalidInput
from .models import (
    Annotation,
    Assignment,
    Claim,
    ClaimReservation,
    ClaimSkip,
    ClaimStatus,
    Project,
)

# Claims an annotator may still be asked to annotate: not yet complete, not closed.
QUEUE_STATUSES = (ClaimStatus.UNSTARTED, ClaimStatus.IN_PROGRESS)
# How many queue candidates to try when others take the first ones at the same moment.
CANDIDATES = 20


def reservation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=settings.CLAIM_RESERVATION_MINUTES)


def places_taken(user) -> Subquery:
    """How many other people hold one of a claim's annotations-per-claim places: those who
    submitted, hold an unexpired reservation, or were assigned the claim by an editor. Each
    person counts once, whichever of these applies."""
    now = timezone.now()
    claim = OuterRef(OuterRef("pk"))
    holders = (
        get_user_model()
        .objects.exclude(pk=user.pk)
        .filter(
            Exists(
                Annotation.objects.filter(
                    claim=claim, annotator=OuterRef("pk"), state=Annotation.State.SUBMITTED
                )
            )
            | Exists(
                ClaimReservation.objects.filter(
                    claim=claim, user=OuterRef("pk"), expires_at__gt=now
                )
            )
            | Exists(Assignment.objects.filter(claim=claim, user=OuterRef("pk")))
        )
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Subquery(holders, output_field=IntegerField())


def claims_needing(project: Project, user) -> QuerySet[Claim]:
    """The project's claims that still need this user's annotation, in the project's queue
    order, annotated with `taken`: how many of the annotations-per-claim places other
    people hold."""
    mine = Annotation.objects.filter(annotator=user)
    claims = (
        project.claims.filter(status__in=QUEUE_STATUSES)
        .exclude(pk__in=mine.filter(state=Annotation.State.SUBMITTED).values("claim_id"))
        .exclude(pk__in=ClaimSkip.objects.filter(user=user).values("claim_id"))
        .annotate(taken=places_taken(user))
        .filter(taken__lt=project.annotations_per_claim)
    )
    if project.queue_order == Project.QueueOrder.SCORE:
        return claims.order_by(F("score").desc(nulls_last=True), "document_id", "start", "id")
    return claims.order_by("document__created_at", "document_id", "start", "id")


def next_claim(project: Project, user) -> Claim | None:
    """Reserve and return the next claim this user should annotate, or None when her queue
    is empty. Her own unfinished drafts (returned ones included) come back to her first,
    then claims assigned to her, then the rest in the project's order."""
    drafts = Annotation.objects.filter(annotator=user, state=Annotation.State.DRAFT)
    own_draft = claims_needing(project, user).filter(pk__in=drafts.values("claim_id")).first()
    candidates = [own_draft] if own_draft else []
    # Claims an editor assigned to her come before the rest of the queue.
    candidates += list(claims_needing(project, user).assigned_to(user)[:CANDIDATES])
    candidates += list(claims_needing(project, user)[:CANDIDATES])
    for candidate in candidates:
        if reserve_claim(candidate, user):
            return Claim.objects.select_related("document").get(pk=candidate.pk)
    return None


def reserve_claim(claim: Claim, user) -> bool:
    """Hold the claim for the user unless its places filled up meanwhile."""
    with transaction.atomic():
        # Two annotators asking for their next claim at once must not both take the last
        # place on it: the claim row is the lock, and the count is taken again under it.
        claim = Claim.objects.select_for_update().select_related("project").get(pk=claim.pk)
        if not claims_needing(claim.project, user).filter(pk=claim.pk).exists():
            return False
        reservation, created = ClaimReservation.objects.update_or_create(
            claim=claim, user=user, defaults={"expires_at": reservation_expiry()}
        )
        if created:
            record_event(
                user,
                reservation,
                "reserve",
                after={"claim": claim.pk, "expires_at": reservation.expires_at.isoformat()},
                project=claim.project,
            )
    return True


def extend_reservation(claim: Claim, user) -> None:
    """Keep holding a claim the user is working on (called as she saves drafts)."""
    expires_at = reservation_expiry()
    # The usual case, one query: she is saving again the claim she already holds.
    if not ClaimReservation.objects.filter(claim=claim, user=user).update(expires_at=expires_at):
        ClaimReservation.objects.get_or_create(
            claim=claim, user=user, defaults={"expires_at": expires_at}
        )


def release_reservation(claim: Claim, user) -> None:
    ClaimReservation.objects.filter(claim=claim, user=user).delete()


def skip_claim(claim: Claim, user, reason: str = "") -> ClaimSkip:
    """Record that the user passes on this claim; it leaves her queue and its place frees up."""
    if claim.status not in QUEUE_STATUSES:
        raise InvalidInput(
            f"This claim is {claim.get_status_display().lower()}; it cannot be skipped."
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                skip = ClaimSkip.objects.create(claim=claim, user=user, reason=reason[:2000])
        except IntegrityError:
            # Skipped before (from another tab): the first record stands.
            return ClaimSkip.objects.get(claim=claim, user=user)
        release_reservation(claim, user)
        record_event(
            user,
            skip,
            "skip",
            after={"claim": claim.pk, "reason": skip.reason},
            project=claim.project,
        )
    return skip
