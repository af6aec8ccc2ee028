"""In a browser: the main screens run under the Content-Security-Policy without a single
violation reported on the console (an inline script or style would be refused and logged)."""

import pytest

from .support.browser import chromium_page, log_in, log_out
from .support.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, url: str, violations: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert not violations, (url, violations)


def test_the_main_screens_report_no_csp_violation(live_server):
    world = build_world()
    slug, claim = world.project.slug, world.claim
    screens = [
        "/",
        f"/projects/{slug}/",
        f"/documents/{claim.document_id}/?claim={claim.pk}",
        f"/claims/{claim.pk}/",
        f"/claims/{claim.pk}/history/",
        f"/claims/{claim.pk}/comments/",
        f"/projects/{slug}/review/",
        f"/projects/{slug}/dashboard/",
        f"/projects/{slug}/agreement/",
        f"/projects/{slug}/assignments/",
        f"/projects/{slug}/export/",
        f"/projects/{slug}/members/",
        f"/projects/{slug}/settings/",
        f"/projects/{slug}/scale/",
        "/api/docs/",
    ]
    with chromium_page() as page:
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        visit(page, f"{live_server.url}/login/", violations)
        log_in(page, live_server, "admin")
        for screen in screens:
            visit(page, live_server.url + screen, violations)
        page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI ran and read the schema
        visit(page, f"{live_server.url}/", violations)
        log_out(page)
        log_in(page, live_server, "root")
        for screen in (
            "/people/",
            "/admin/",
            "/admin/annotations/auditevent/",
            "/admin/auth/user/",
        ):
            visit(page, live_server.url + screen, violations)
