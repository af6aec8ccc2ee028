"""In a browser: the demo's admin login opens the Django admin."""

import io

from django.core.management import call_command
from playwright.sync_api import expect

from .desk_browser import browser_test, chromium_fixture  # noqa: F401

pytestmark = browser_test


def test_the_demo_admin_can_use_the_django_admin(chromium, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    page = chromium.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.close()
