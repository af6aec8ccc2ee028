"""The API's list filters as django-filter FilterSets: each query parameter is checked by a
form field before it reaches a query, so `?min_score=abc` or `?document=abc` is a 400
naming the parameter (annotations.api.errors gives it the `{detail, field}` shape) and
the schema documents every filter with its type."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from ..models import Assignment, Claim, ClaimStatus, Document, JobState


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """Several choices, comma-separated: `?status=unstarted,in_progress`."""


def contains_text(fields: tuple[str, ...]):
    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return method


class ClaimFilter(django_filters.FilterSet):
    status = ChoiceInFilter(choices=ClaimStatus.choices, help_text="comma-separated")
    document = django_filters.NumberFilter(field_name="document_id", min_value=1)
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    q = django_filters.CharFilter(
        method=contains_text(("text", "speaker")), max_length=200, help_text="text contains"
    )

    class Meta:
        model = Claim
        fields = ["status", "document", "min_score", "q"]


class DocumentFilter(django_filters.FilterSet):
    # Trigram indexes serve `q` on PostgreSQL (migration document_list_index).
    q = django_filters.CharFilter(
        method=contains_text(("title", "text")),
        max_length=200,
        help_text="title or text contains (case-insensitive)",
    )
    extraction_status = ChoiceInFilter(
        field_name="extraction_job__state",
        choices=JobState.choices,
        help_text="comma-separated: queued,running,done,failed",
    )

    class Meta:
        model = Document
        fields = ["q", "extraction_status"]


class AssignmentFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="user__username", max_length=150)
    claim = django_filters.NumberFilter(field_name="claim_id", min_value=1)

    class Meta:
        model = Assignment
        fields = ["user", "claim"]
