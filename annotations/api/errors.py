"""Domain errors as HTTP answers: 400 for bad input, 409 for a stale edit, 413 for an
upload over the limit, 403 for a member without the right role."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..errors import Busy, InvalidInput, NotAllowed, StaleVersion, TooLarge
from ..imports import LISTED, DatasetErrors, error_dict
from ..models import Annotation, Claim


def current_state(obj) -> dict | None:
    from .serializers import AnnotationSerializer, ClaimSerializer

    if isinstance(obj, Annotation):
        return AnnotationSerializer(obj).data
    if isinstance(obj, Claim):
        return ClaimSerializer(obj).data
    return None


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
    return exception_handler(exc, context)
