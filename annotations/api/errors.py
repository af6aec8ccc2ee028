"""Domain errors as HTTP answers: 400 for bad input, 409 for a stale edit, 413 for an
upload over the limit, 403 for a member without the right role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..annotating import annotation_state
from ..bad_requests import database_refusal, error_body
from ..errors import Busy, InvalidInput, NotAllowed, StaleVersion, TooLarge
from ..imports import LISTED, DatasetErrors, error_dict
from ..models import Annotation, Claim
from .serializers import ClaimSerializer


def current_state(obj) -> dict | None:
    """What a stale edit's reply shows of the object as it now stands."""
    if isinstance(obj, Annotation):
        return annotation_state(obj)
    if isinstance(obj, Claim):
        return ClaimSerializer(obj).data
    return None


def flatten_errors(detail: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """DRF's nested error structure as (field path, message) pairs: `sources[1].url`."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            if name in ("non_field_errors", "detail"):
                yield from flatten_errors(value, path)
            elif isinstance(name, int):  # an item of a list serializer
                yield from flatten_errors(value, f"{path}[{name}]")
            else:
                yield from flatten_errors(value, f"{path}.{name}" if path else str(name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            for item in detail:
                yield path, str(item)
        else:
            for index, item in enumerate(detail):
                yield from flatten_errors(item, f"{path}[{index}]")
    else:
        yield path, str(detail)


def validation_body(detail: Any) -> dict[str, Any]:
    """A serializer's errors in the API's one error shape: `{detail, field?}`, and every
    error under `errors` when there are several."""
    errors = list(flatten_errors(detail)) or [("", "Invalid input.")]
    field, message = errors[0]
    body = error_body(message, field or None)
    if len(errors) > 1:
        body["errors"] = [{"field": f or None, "message": m} for f, m in errors[:LISTED]]
    return body


def handle_exception(exc, context):
    if isinstance(exc, StaleVersion):
        return Response(
            {
                "detail": "Someone saved a newer version first. Reload, or merge your changes "
                "with the current version shown here.",
                "current_version": exc.current_version,
                "current": current_state(exc.current),
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, TooLarge):
        return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, InvalidInput):
        body = {"detail": str(exc)}
        if exc.field:
            body["field"] = exc.field
        if exc.line:
            body["line"] = exc.line
        if isinstance(exc, DatasetErrors):
            body["errors"] = [error_dict(error) for error in exc.errors[:LISTED]]
            body["n_errors"] = len(exc.errors)
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Busy):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ValidationError):
        return Response(validation_body(exc.detail), status=status.HTTP_400_BAD_REQUEST)
    # A check the serializers and domain functions missed; the database kept the rule.
    refused = database_refusal(exc)
    if refused:
        return Response(error_body(*refused), status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
