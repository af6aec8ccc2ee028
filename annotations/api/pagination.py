"""Pages of API lists. A page parameter that is not a whole number (`?offset=abc`,
`?page_size=`) is refused with 400 naming it, where DRF would silently ignore it."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination


def check_whole_numbers(request, *names: str) -> None:
    for name in names:
        value = request.query_params.get(name)
        if value is not None and not value.isdigit():
            raise ValidationError({name: [f"{name} must be a whole number, got {value!r}."]})


class LimitOffset(LimitOffsetPagination):
    def paginate_queryset(self, queryset, request, view=None):
        check_whole_numbers(request, self.limit_query_param, self.offset_query_param)
        return super().paginate_queryset(queryset, request, view)


class Cursor(CursorPagination):
    def paginate_queryset(self, queryset, request, view=None):
        check_whole_numbers(request, self.page_size_query_param)
        return super().paginate_queryset(queryset, request, view)
