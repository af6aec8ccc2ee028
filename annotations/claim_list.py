"""The project's claims table: filters, text search, a choice of order, and keyset
pagination, so that page 500 of a million claims costs what page 1 does.

A page is found from the last row of the page before (its sort values and id), never by an
offset. An order over a column that may be empty (a claim added by hand has no score) is
read in two stretches: the claims with a value, then those without, each an index range
scan on its own."""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Annotation, Claim, Project

PAGE_SIZE = 25
# Counting every match of a broad filter over a million claims would cost more than the
# page itself: counts stop here and say "more than".
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Stretch:
    """Part of an order: the claims `condition` selects, ordered by `keys` (id last)."""

    condition: Q
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Sort:
    label: str
    stretches: tuple[Stretch, ...]
    descending: bool


SORTS: dict[str, Sort] = {
    "score": Sort(
        "Score, highest first",
        (Stretch(Q(score__isnull=False), ("score", "id")), Stretch(Q(score__isnull=True), ("id",))),
        descending=True,
    ),
    "score_low": Sort(
        "Score, lowest first",
        (Stretch(Q(score__isnull=False), ("score", "id")), Stretch(Q(score__isnull=True), ("id",))),
        descending=False,
    ),
    "document": Sort(
        "Document order",
        (Stretch(Q(), ("document_id", "start", "id")),),
        descending=False,
    ),
    "updated": Sort(
        "Recently changed",
        (Stretch(Q(), ("updated_at", "id")),),
        descending=True,
    ),
}
DEFAULT_SORT = "score"


@dataclass
class ClaimFilters:
    """What the table is narrowed to; empty values filter nothing."""

    q: str = ""
    status: str = ""
    verdict: str = ""  # a label key, or "none" for claims without a final verdict
    claim_type: str = ""
    speaker: str = ""
    annotator: Any = None  # a user
    min_score: float | None = None
    max_score: float | None = None
    document: int | None = None

    def apply(self, claims: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.q:
            claims = claims.filter(text__icontains=self.q)
        if self.status:
            claims = claims.filter(status=self.status)
        if self.verdict == "none":
            claims = claims.filter(final_verdict="")
        elif self.verdict:
            claims = claims.filter(final_verdict=self.verdict)
        if self.claim_type:
            claims = claims.filter(with_claim_type(self.claim_type))
        if self.speaker:
            claims = claims.filter(speaker__icontains=self.speaker)
        if self.annotator is not None:
            mine = Annotation.objects.filter(claim=OuterRef("pk"), annotator=self.annotator)
            claims = claims.filter(Exists(mine))
        if self.min_score is not None:
            claims = claims.filter(score__gte=self.min_score)
        if self.max_score is not None:
            claims = claims.filter(score__lte=self.max_score)
        if self.document is not None:
            claims = claims.filter(document_id=self.document)
        return claims


def with_claim_type(name: str) -> Q:
    """Claims tagged with the type. PostgreSQL answers JSON containment from its GIN index;
    SQLite has no such operator, and matches the quoted name in the stored list."""
    if connection.vendor == "postgresql":
        return Q(claim_types__contains=[name])
    return Q(claim_types__icontains=json.dumps(name))


@dataclass
class ClaimPage:
    claims: list[Claim]
    next_cursor: str = ""
    previous_cursor: str = ""
    # The number of matching claims, up to COUNT_LIMIT; `more` when there are more.
    count: int = 0
    more: bool = False
    first: bool = True
    annotators: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def encode_cursor(stretch: int, values: list[Any]) -> str:
    raw = json.dumps([stretch, [to_json(v) for v in values]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> tuple[int, list[Any]] | None:
    """The stretch and sort values a cursor holds, or None for one this order cannot use."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stretch, values = json.loads(raw)
        keys = sort.stretches[stretch].keys
        if len(values) != len(keys):
            return None
        return stretch, [from_json(key, value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, IndexError):
        return None


def to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def from_json(key: str, value: Any) -> Any:
    if key == "updated_at":
        return datetime.datetime.fromisoformat(value)
    if key == "score":
        return float(value)
    return int(value)


def beyond(keys: tuple[str, ...], values: list[Any], forward: bool) -> Q:
    """Rows after (or before) the row with these key values, in lexicographic order. The
    first key's bound is repeated on its own so the database starts its index scan there."""
    later = "gt" if forward else "lt"
    condition = Q()
    for n in range(len(keys)):
        step = Q(**{f"{key}": value for key, value in zip(keys[:n], values[:n], strict=True)})
        step &= Q(**{f"{keys[n]}__{later}": values[n]})
        condition |= step
    start = "gte" if forward else "lte"
    return Q(**{f"{keys[0]}__{start}": values[0]}) & condition


def read(
    claims: QuerySet[Claim],
    sort: Sort,
    position: tuple[int, list[Any]] | None,
    forward: bool,
    size: int,
) -> list[tuple[int, Claim]]:
    """Up to `size` claims after (forward) or before `position` in the order, each with the
    index of the stretch it came from; backwards, nearest first."""
    ascending = forward != sort.descending
    stretches = list(enumerate(sort.stretches))
    if not forward:
        stretches.reverse()
    if position is not None:
        at = [n for n, _ in stretches].index(position[0])
        stretches = stretches[at:]
    rows: list[tuple[int, Claim]] = []
    for n, _ in stretches:
        query = stretch_query(claims, sort, n, position, ascending)
        rows.extend((n, claim) for claim in query[: size - len(rows)])
        if len(rows) >= size:
            break
    return rows


def stretch_query(
    claims: QuerySet[Claim],
    sort: Sort,
    n: int,
    position: tuple[int, list[Any]] | None,
    ascending: bool,
) -> QuerySet[Claim]:
    """Stretch `n` of the order, beyond `position` when the position is in it."""
    stretch = sort.stretches[n]
    query = claims.filter(stretch.condition)
    if position is not None and n == position[0]:
        query = query.filter(beyond(stretch.keys, position[1], ascending))
    return query.order_by(*[key if ascending else f"-{key}" for key in stretch.keys])


def cursor_of(sort: Sort, stretch: int, claim: Claim) -> str:
    return encode_cursor(stretch, [getattr(claim, key) for key in sort.stretches[stretch].keys])


def claim_page(
    project: Project,
    filters: ClaimFilters,
    *,
    sort_name: str = DEFAULT_SORT,
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
) -> ClaimPage:
    """One page of the project's claims as filtered and sorted: the page after the cursor
    `after`, the one before `before`, or the first."""
    sort = SORTS.get(sort_name, SORTS[DEFAULT_SORT])
    claims = (
        filters.apply(project.claims.all())
        .select_related("document")
        .only(
            "id", "text", "status", "score", "speaker", "claim_types", "final_verdict",
            "updated_at", "start", "document_id", "document__title", "project_id",
        )
    )  # fmt: skip
    position = decode_cursor(before or after, sort) if (before or after) else None
    forward = not (before and position)
    # One row more than the page says whether there is a page beyond it.
    rows = read(claims, sort, position, forward, size + 1)
    beyond_page = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    page = ClaimPage(claims=[claim for _, claim in rows], first=position is None)
    if rows:
        has_next = beyond_page if forward else True
        has_previous = position is not None if forward else beyond_page
        if has_next:
            page.next_cursor = cursor_of(sort, *rows[-1])
        if has_previous:
            page.previous_cursor = cursor_of(sort, *rows[0])
        page.first = not has_previous
    matching = filters.apply(project.claims.order_by()).values("id")
    page.count = matching[: COUNT_LIMIT + 1].count()
    page.more = page.count > COUNT_LIMIT
    page.count = min(page.count, COUNT_LIMIT)
    page.annotators = annotators_of(page.claims)
    return page


def annotators_of(claims: list[Claim]) -> dict[int, list[tuple[str, str]]]:
    """Who annotated each claim of the page, and how far (draft or submitted), in one query."""
    found: dict[int, list[tuple[str, str]]] = {}
    rows = (
        Annotation.objects.filter(claim__in=[claim.pk for claim in claims])
        .order_by("claim_id", "annotator__username")
        .values_list("claim_id", "annotator__username", "state")
    )
    for claim_id, username, state in rows:
        found.setdefault(claim_id, []).append((username, state))
    return found
