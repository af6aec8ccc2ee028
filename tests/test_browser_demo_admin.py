"""In a browser: the demo's admin login opens the Django admin, and the login page says
where accounts come from."""

import io

from django.core.management import call_command
from playwright.sync_api import expect

from .support.desk_browser import browser_test, chromium_fixture  # noqa: F401
from .support.factories import UserFactory

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


def test_the_login_page_says_where_accounts_come_from(chromium, live_server):
    page = chromium.new_page()
    page.goto(f"{live_server.url}/login/")
    # A new install: the first administrator is made on the server.
    expect(page.locator("#no-account")).to_contain_text("python manage.py createsuperuser")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page.reload()
    expect(page.locator("#no-account")).to_contain_text("An administrator of this workbench")
    expect(page.locator("#no-account")).not_to_contain_text("createsuperuser")
    page.close()
