"""Which claims an export takes: the same filters on the page, the API, the CLI and in
a background export's saved `filters`."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils.dateparse import parse_date

from ..errors import InvalidInput
from ..models import Annotation, ClaimStatus

FILTER_NAMES = ("status", "verdict", "document", "date_from", "date_to", "annotator")


def split_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        items = [str(item) for item in value]
    else:
        items = str(value).split(",")
    return [item.strip() for item in items if item.strip()]


def check_date(value: Any, name: str) -> str | None:
    if value in (None, ""):
        return None
    if parse_date(str(value)) is None:
        raise InvalidInput(f"{value!r} is not a date (use YYYY-MM-DD).", field=name)
    return str(value)


@dataclass(frozen=True)
class ExportFilters:
    """status and verdict take several values (comma-separated); dates bound the claim
    date (the claim's own, else its document's publication date), both ends included."""

    status: list[str] = field(default_factory=list)
    verdict: list[str] = field(default_factory=list)
    document: int | None = None
    date_from: str | None = None
    date_to: str | None = None
    annotator: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ExportFilters:
        """Read filters from query parameters, form data or saved JSON; InvalidInput names
        the bad field."""
        status = split_list(params.get("status"))
        unknown = [s for s in status if s not in ClaimStatus.values]
        if unknown:
            raise InvalidInput(
                f"Unknown status {unknown[0]!r}; use {', '.join(ClaimStatus.values)}.",
                field="status",
            )
        document = params.get("document")
        if document in (None, ""):
            document = None
        else:
            try:
                document = int(document)
            except (TypeError, ValueError):
                raise InvalidInput("must be a document id.", field="document") from None
        date_from = check_date(params.get("date_from"), "date_from")
        date_to = check_date(params.get("date_to"), "date_to")
        if date_from and date_to and date_from > date_to:
            raise InvalidInput("must not be after date_to.", field="date_from")
        return cls(
            status=status,
            verdict=split_list(params.get("verdict")),
            document=document,
            date_from=date_from,
            date_to=date_to,
            annotator=str(params.get("annotator") or "").strip(),
        )

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in (None, "", [])}

    def apply(self, claims: QuerySet) -> QuerySet:
        if self.status:
            claims = claims.filter(status__in=self.status)
        if self.verdict:
            claims = claims.filter(final_verdict__in=self.verdict)
        if self.document is not None:
            claims = claims.filter(document_id=self.document)
        if self.date_from or self.date_to:
            claims = claims.annotate(
                day=Coalesce("claim_date", TruncDate("document__published_at"))
            )
            if self.date_from:
                claims = claims.filter(day__gte=datetime.date.fromisoformat(self.date_from))
            if self.date_to:
                claims = claims.filter(day__lte=datetime.date.fromisoformat(self.date_to))
        if self.annotator:
            claims = claims.filter(
                Exists(
                    Annotation.objects.filter(
                        claim=OuterRef("pk"), annotator__username=self.annotator
                    )
                )
            )
        return claims
