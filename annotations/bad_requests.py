"""Requests answered with a 4xx before any view reads them, and database refusals a view
did not foresee: never a 500 for bad input.

- A body over the limit is 413 from its Content-Length, before it is read or parsed:
  MAX_UPLOAD_BYTES for JSON and forms, with room for the form fields around an uploaded
  file (DATA_UPLOAD_MAX_MEMORY_SIZE) in a multipart body.
- A NUL character anywhere in the query string is 400: PostgreSQL cannot hold it in a
  text value, so no filter, search or form could use it.
- A value the database could not store (DataError), or a write a database constraint
  refused that no check caught first (IntegrityError), met by a page is 400 with a
  message; the API's exception handler answers them the same way, naming the field.

The API answers `{detail, field?}` as JSON; pages answer with the error page."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DataError, IntegrityError, models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

STORE_MESSAGE = (
    "A value cannot be stored as it is (too long, out of range, or holding a NUL "
    "character); nothing was saved."
)

CONSTRAINT_MESSAGE = "is not allowed by the rules of the stored data; nothing was saved."


def constraint_field(exc: IntegrityError) -> str | None:
    """The field a database constraint that refused a write is about, when it can be told:
    the column PostgreSQL names, or the first field of the model constraint so named."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None and diag.column_name:
        return diag.column_name
    name = diag.constraint_name if diag is not None else str(exc).rpartition(": ")[2]
    for model in apps.get_app_config("annotations").get_models():
        for constraint in model._meta.constraints:
            if constraint.name != name:
                continue
            if getattr(constraint, "fields", None):
                return constraint.fields[0]
            condition = getattr(constraint, "condition", None)
            if isinstance(condition, models.Q) and condition.children:
                first = condition.children[0]
                if isinstance(first, tuple):
                    return first[0].split("__")[0]
    return None


def error_body(message: str, field: str | None = None) -> dict:
    """The API's one error shape, `{detail, field?}`: the detail names the field first."""
    body = {"detail": f"{field}: {message}" if field else message}
    if field:
        body["field"] = field
    return body


def database_refusal(exc: Exception) -> tuple[str, str | None] | None:
    """What to say of a write the database refused that no check caught first: the
    message and the field it is about (when it can be told); None for other errors."""
    if isinstance(exc, DataError):
        return STORE_MESSAGE, None
    if isinstance(exc, IntegrityError):
        field = constraint_field(exc)
        return (CONSTRAINT_MESSAGE if field else f"The change {CONSTRAINT_MESSAGE}"), field
    return None


def refusal(request: HttpRequest, status: int, message: str, field: str | None = None):
    """The answer to a refused request: JSON on the API, the error page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(message, field), status=status)
    if field:
        message = f"“{field}” {message}"
    return render(request, "annotations/error.html", {"message": message}, status=status)


def body_limit(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data":
        return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.MAX_UPLOAD_BYTES)
    return settings.MAX_UPLOAD_BYTES


def too_large(request: HttpRequest, size: int | None = None) -> HttpResponse:
    limit = body_limit(request)
    said = f"The request is {size:,} bytes; " if size else "The request is too large; "
    return refusal(request, 413, f"{said}the limit is {limit:,} bytes.")


class BadRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > body_limit(request):
            return too_large(request, size)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return refusal(request, 400, "holds a NUL character.", name.replace("\x00", ""))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large(request)
        if isinstance(exception, TooManyFieldsSent):
            return refusal(request, 400, "The form has too many fields.")
        refused = database_refusal(exception)
        if refused:
            return refusal(request, 400, *refused)
        return None
