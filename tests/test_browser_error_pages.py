"""In a browser: error pages look like the workbench and lead back to it."""

import pytest

from annotations.models import Role

from .conftest import member
from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401

pytestmark = browser_test


def assert_styled_with_a_way_back(page, live_server, heading: str) -> None:
    assert page.locator("header.topbar").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == heading
    page.get_by_role("link", name="Back to your projects").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Projects").is_visible()


def test_a_page_that_does_not_exist_is_styled_with_a_way_back(chromium, live_server, stranger):
    page = open_as(chromium, live_server, stranger, "/projects/nobody-has-this/")
    assert "Page not found" in page.title()
    assert page.locator(".error-page").inner_text().count("not a member") == 1
    screenshot(page, "error-404")
    assert_styled_with_a_way_back(page, live_server, "Page not found")


def test_a_forbidden_page_says_why_with_a_way_back(chromium, live_server, project, annotator):
    page = open_as(chromium, live_server, annotator, f"/projects/{project.slug}/settings/")
    assert "Only the project's admins can do this." in page.locator(".error-page").inner_text()
    screenshot(page, "error-403")
    assert_styled_with_a_way_back(page, live_server, "You cannot do this here")


@pytest.mark.urls("tests.support.failing_urls")
def test_a_server_error_is_styled_with_a_way_back(chromium, live_server, project):
    user = member(project, Role.ANNOTATOR, "alice")
    page = open_as(chromium, live_server, user, "/fail/")
    assert "Everything you saved before it is safe" in page.locator(".error-page").inner_text()
    screenshot(page, "error-500")
    assert_styled_with_a_way_back(page, live_server, "Something went wrong on our side")
