"""Every route of the URLconf, walked as every kind of visitor: each answer carries the
Content-Security-Policy and the other protective headers, and no HTML page holds script
the policy would block (inline <script>, on* attributes, javascript: URLs, inline styles)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from .support.routes import all_routes, fill
from .support.world import ROLES, build_world

pytestmark = pytest.mark.django_db


class InlineCode(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would refuse to run."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and "src" not in values:
            # Data blocks (json_script) are never executed, so the policy allows them.
            if values.get("type") not in ("application/json", "application/ld+json"):
                self.found.append("inline <script>")
        if tag == "style":
            self.found.append("inline <style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def check_headers(response, where: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives.get("script-src") == "'self'", (where, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (where, policy)
    assert directives.get("frame-ancestors") == "'none'", (where, policy)
    assert directives.get("object-src") == "'none'", (where, policy)
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("Referrer-Policy") == "same-origin", where
    assert response.get("X-Frame-Options") == "DENY", where


def test_every_route_sends_the_headers_to_every_visitor(client):
    world = build_world()
    routes = all_routes()
    html_pages = 0
    for role in [*ROLES, "superuser"]:
        user = world.superuser if role == "superuser" else world.people[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        for route in routes:
            if route.is_admin != (role == "superuser") and role != "anonymous":
                continue
            path = fill(route, world)
            response = client.get(path, HTTP_ACCEPT="text/html")
            where = f"{role} GET {path} ({route.name}) -> {response.status_code}"
            check_headers(response, where)
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                html_pages += 1
                assert inline_code(response.content.decode()) == [], where
    assert html_pages > 100


def test_the_login_page_and_static_files_carry_them_too(client):
    check_headers(client.get("/login/"), "login")
    check_headers(client.get("/static/annotations/desk.js"), "static file")
