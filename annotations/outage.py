"""While the database is away, requests are answered 503 with a Retry-After header (JSON
`{detail}` for the API, a styled page otherwise) instead of a 500: nothing was lost, and
the client may simply try again."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from .errors import DATABASE_AWAY

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
MESSAGE = "The database is unavailable for a moment. Nothing was lost; try again shortly."


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer. Rendered without the request's context: the session and the user
    live in the database."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        page = render_to_string(
            "503.html",
            {
                "message": MESSAGE,
                "retry_after": RETRY_AFTER_SECONDS,
                "reload": request.method in ("GET", "HEAD"),
            },
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage met by a view into the 503 answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_AWAY):
            log.warning("%s %s: database unavailable: %s", request.method, request.path, exception)
            return unavailable(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler. An outage met outside any view (loading the session, saving it)
    is a 503 like the others; anything else is Django's 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_AWAY):
        return unavailable(request)
    return defaults.server_error(request)
