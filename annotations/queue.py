"""An annotator's queue: which claim she should annotate next, holding it for her a while,
and passing on claims she skips.

A pick reads three short index ranges: her own unfinished drafts, the claims an editor
assigned to her (walking the project's open claims in order, so a share of 50,000 costs no
more than one), then the project's open claims in its order (the partial indexes over
`Claim.in_queue`, which leave out claims that are done or whose places are all held). Each
candidate's places are counted exactly as it is read, so a pick costs the same at a thousand
claims or a million.

The pick is plain SQL: the ORM spells its place count only with nested EXISTS subqueries,
which took longer to compile than the query takes to run."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .audit import record_event
from .errors import InvalidInput
from .models import (
    QUEUE_STATUSES,
    Claim,
    ClaimReservation,
    ClaimSkip,
    Project,
    places_held_sql,
)

# A pick that loses its claim to someone who took it at the same moment tries again; each
# loss rules that claim out, so this is only a guard against a runaway loop.
MAX_ATTEMPTS = 100

# Which claims each step of the queue looks at, before the checks every claim must pass.
MY_DRAFTS = (
    "annotations_claim.id IN (SELECT claim_id FROM annotations_annotation"
    " WHERE annotator_id = %(user)s AND state = 'draft')"
)
ASSIGNED_TO_ME = (
    "annotations_claim.id IN (SELECT claim_id FROM annotations_assignment WHERE user_id = %(user)s)"
)
OPEN_TO_ALL = "annotations_claim.in_queue"

# Both match a partial index (Claim.Meta): unscored claims (added by hand) come last.
ORDERS = {
    Project.QueueOrder.SCORE: "annotations_claim.score IS NULL, annotations_claim.score DESC,"
    " annotations_claim.document_id, annotations_claim.start, annotations_claim.id",
    # Documents in the order they were added, each claim by its place in the text.
    Project.QueueOrder.DOCUMENT: "annotations_claim.document_id, annotations_claim.start,"
    " annotations_claim.id",
}


def reservation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=settings.CLAIM_RESERVATION_MINUTES)


def needing_sql(project: Project, user, which: str) -> tuple[str, dict]:
    """WHERE conditions, and their parameters, for the project's claims among `which` that
    still need this user's annotation: open, neither submitted nor skipped by her, and with
    a place left once everybody else's submissions, assignments and unexpired reservations
    are counted."""
    where = f"""
        annotations_claim.project_id = %(project)s
        AND annotations_claim.status IN ('unstarted', 'in_progress')
        AND {which}
        AND NOT EXISTS (SELECT 1 FROM annotations_annotation mine
            WHERE mine.claim_id = annotations_claim.id AND mine.annotator_id = %(user)s
            AND mine.state = 'submitted')
        AND NOT EXISTS (SELECT 1 FROM annotations_claimskip skipped
            WHERE skipped.claim_id = annotations_claim.id AND skipped.user_id = %(user)s)
        AND {places_held_sql(reserved=True, besides=True)} < %(places)s"""
    params = {
        "project": project.pk,
        "user": user.pk,
        "places": project.annotations_per_claim,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    return where, params


def first_needing(project: Project, user, which: str, lock: str) -> Claim | None:
    """The first claim among `which` in the project's order that needs her, locked."""
    where, params = needing_sql(project, user, which)
    if not connection.features.has_select_for_update:
        lock = ""  # SQLite: the transaction holds the database's write lock already
    sql = (
        f"SELECT annotations_claim.* FROM annotations_claim WHERE {where}"
        f" ORDER BY {ORDERS[project.queue_order]} LIMIT 1 {lock}"
    )
    claims = list(Claim.objects.raw(sql, params))
    if not claims:
        return None
    claims[0].project = project
    return claims[0]


def next_claim(project: Project, user) -> Claim | None:
    """Reserve and return the next claim this user should annotate, or None when her queue
    is empty. Her own unfinished drafts (returned ones included) come back to her first,
    then claims assigned to her, then the rest in the project's order.

    Each attempt is a short transaction holding at most one claim row lock, so it cannot
    deadlock with writes that lock several claims."""
    for _attempt in range(MAX_ATTEMPTS):
        with transaction.atomic():
            claim = pick_claim(project, user)
            if claim is None:
                return None
            if hold_claim(claim, user):
                return claim
    return None


def pick_claim(project: Project, user) -> Claim | None:
    """The first claim of her queue, its row locked (on PostgreSQL).

    Annotators asking at the same moment skip the rows the others are taking (SKIP LOCKED)
    instead of queueing behind them. Only when that leaves nothing does the pick wait for
    those locks: with several annotations per claim, a claim someone is taking may still
    have a place for her, and "your queue is empty" must never be said while it has."""
    lock = "FOR UPDATE OF annotations_claim"
    return (
        first_needing(project, user, MY_DRAFTS, lock)
        or first_needing(project, user, ASSIGNED_TO_ME, lock)
        or first_needing(project, user, OPEN_TO_ALL, f"{lock} SKIP LOCKED")
        or first_needing(project, user, OPEN_TO_ALL, lock)
    )


def hold_claim(claim: Claim, user) -> bool:
    """Reserve the claim (locked by the pick) for the user, unless its places filled up
    meanwhile: the pick may have read the places before another pick of the same claim
    committed, or waited for that pick's lock. Counted again here, under the lock."""
    where, params = needing_sql(claim.project, user, "annotations_claim.id = %(claim)s")
    sql = (
        "SELECT (SELECT id FROM annotations_claimreservation mine"
        " WHERE mine.claim_id = annotations_claim.id AND mine.user_id = %(user)s)"
        f" FROM annotations_claim WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "claim": claim.pk})
        row = cursor.fetchone()
    if row is None:
        return False
    expires_at = reservation_expiry()
    if row[0] is not None:
        ClaimReservation.objects.filter(pk=row[0]).update(expires_at=expires_at)
        return True
    reservation = ClaimReservation.objects.create(claim=claim, user=user, expires_at=expires_at)
    record_event(
        user,
        reservation,
        "reserve",
        after={"claim": claim.pk, "expires_at": expires_at.isoformat()},
        project=claim.project,
    )
    return True


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
