"""Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username
from one address, that pair is refused for LOGIN_COOLOFF_MINUTES, even with the right
password. The login page says so with HTTP 429, the token endpoint answers 429 with
`{detail}`. `manage.py axes_reset_username NAME` (or `axes_reset`) unlocks at once."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed logins for this username from your address: logging in is "
        f"blocked for {minutes} minutes. Try again later, or ask an administrator to "
        f"unlock the account."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The login page again, with the message instead of the form's own error."""
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username")})
    context = {"form": form, "lockout": lockout_message(), "next": request.POST.get("next", "")}
    response = TemplateResponse(request, "registration/login.html", context, status=429)
    return response.render()


def client_address(request: HttpRequest) -> str | None:
    """The caller's address. Behind TRUSTED_PROXY_COUNT reverse proxies, each appending the
    address it was called from to X-Forwarded-For, the client is that many entries from
    the right: entries further left were written by the client and prove nothing."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if count and len(forwarded) >= count and forwarded[-count]:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
