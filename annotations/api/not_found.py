"""A URL under /api/ that matches no endpoint (`/api/claims/abc/`) is answered like any
API error, in JSON; elsewhere the styled 404 page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No such address in the API."}, status=404)
    return defaults.page_not_found(request, exception)
