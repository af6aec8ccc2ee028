"""In a browser: administrators create accounts and invitation links, hand over password
links and deactivate people; nothing is e-mailed."""

from playwright.sync_api import expect

from annotations.models import Role

from .conftest import api_client_for
from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import UserFactory

pytestmark = browser_test


def site_admin():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def copied_link(page) -> str:
    box = page.locator(".link-to-copy")
    expect(box).to_be_visible()
    page.get_by_role("button", name="Copy link").first.click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    return box.locator("input").input_value()


def log_in(chromium, live_server, username: str, password: str):
    page = chromium.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    return page


def test_an_account_without_a_password_gets_a_link_to_choose_one(chromium, live_server, project):
    page = open_as(chromium, live_server, site_admin(), "/people/")
    form = page.get_by_role("region", name="Create an account")
    form.get_by_label("Username").fill("dora")
    form.get_by_label("Project").select_option(label=project.name)
    form.get_by_label("Role").select_option("editor")
    form.get_by_role("button", name="Create the account").click()
    link = copied_link(page)
    expect(page.locator("tr[data-person=dora]")).to_contain_text("No password yet")
    expect(page.locator("tr[data-person=dora]")).to_contain_text(f"{project.name} (editor)")
    screenshot(page, "people")

    newcomer = chromium.new_page()
    newcomer.goto(link)
    newcomer.get_by_label("New password", exact=True).fill("a long passphrase 2026")
    newcomer.get_by_label("New password confirmation").fill("a long passphrase 2026")
    newcomer.get_by_role("button", name="Set my password").click()
    expect(newcomer.get_by_role("heading", name="Your password is set")).to_be_visible()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="This link does not work")).to_be_visible()
    dora = log_in(chromium, live_server, "dora", "a long passphrase 2026")
    dora.wait_for_url(f"{live_server.url}/")
    expect(dora.get_by_role("link", name=project.name)).to_be_visible()


def test_an_invitation_link_creates_an_account_in_the_project(
    chromium, live_server, project, admin
):
    # A project's admin invites from the Members page (no administrator needed).
    page = open_as(chromium, live_server, admin, f"/projects/{project.slug}/members/")
    page.get_by_label("Role").last.select_option("editor")
    page.get_by_label("For whom").fill("Eve, the new night editor")
    page.get_by_role("button", name="Create an invitation link").click()
    link = copied_link(page)
    expect(page.locator("table.invitations")).to_contain_text("Eve, the new night editor")
    screenshot(page, "members-invitation")

    invitee = chromium.new_page()
    invitee.goto(link)
    expect(invitee.locator("main")).to_contain_text(f"invited to {project.name} as editor")
    invitee.get_by_label("Username").fill("eve")
    invitee.get_by_label("Password", exact=True).fill("night shift passphrase")
    invitee.get_by_label("Password, again").fill("night shift passphrase")
    invitee.get_by_role("button", name="Create my account").click()
    invitee.wait_for_url(f"{live_server.url}/projects/{project.slug}/")
    expect(invitee.locator(".topbar")).to_contain_text("eve · Editor")
    assert project.role_of(project.memberships.get(user__username="eve").user) == Role.EDITOR

    used = chromium.new_page()
    used.goto(link)
    expect(used.locator("main")).to_contain_text("This invitation has been used already")


def test_a_password_link_and_deactivation(chromium, live_server, project, annotator):
    token_client = api_client_for(annotator)
    page = open_as(chromium, live_server, site_admin(), "/people/")
    row = page.locator("tr[data-person=alice]")
    row.get_by_role("button", name="Password link").click()
    link = copied_link(page)
    alice = chromium.new_page()
    alice.goto(link)
    alice.get_by_label("New password", exact=True).fill("remembered at last 42")
    alice.get_by_label("New password confirmation").fill("remembered at last 42")
    alice.get_by_role("button", name="Set my password").click()
    expect(alice.get_by_role("heading", name="Your password is set")).to_be_visible()

    page.locator("tr[data-person=alice]").get_by_role("button", name="Deactivate").click()
    expect(page.locator(".message.success")).to_have_text("alice deactivated.")
    expect(page.locator("tr[data-person=alice]")).to_contain_text("Deactivated")
    refused = log_in(chromium, live_server, "alice", "remembered at last 42")
    expect(refused.locator(".message.error")).to_be_visible()
    assert token_client.get("/api/projects/").status_code == 401

    page.locator("tr[data-person=alice]").get_by_role("button", name="Reactivate").click()
    expect(page.locator(".message.success")).to_have_text("alice reactivated.")
    welcome = log_in(chromium, live_server, "alice", "remembered at last 42")
    welcome.wait_for_url(f"{live_server.url}/")
