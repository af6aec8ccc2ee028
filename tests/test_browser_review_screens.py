"""In a browser: the dashboard, agreement, members and assignment screens render and work."""

import pytest

from annotations.models import Assignment, Role

from .conftest import member
from .support.browser import SCREENSHOTS, chromium_page, log_in
from .support.factories import ClaimFactory, DocumentFactory
from .support.reviewing import claim_in_review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_an_admin_sees_the_dashboard_and_manages_people(
    live_server, project, admin, annotator, second_annotator
):
    project.annotations_per_claim = 2
    project.save()
    for first, second in (("false", "false"), ("true", "mostly_true"), ("half_true", "false")):
        claim_in_review(project, (annotator, first), (second_annotator, second))
    document = DocumentFactory(project=project)
    for _ in range(3):
        ClaimFactory(document=document)
    member(project, Role.ANNOTATOR, "chloe")

    with chromium_page() as page:
        log_in(page, live_server, "ada")
        page.goto(f"{live_server.url}/projects/{project.slug}/dashboard/")
        main = page.inner_text("main")
        assert "Annotated" in main and "3 of 6 (50%)" in main
        page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

        page.goto(f"{live_server.url}/projects/{project.slug}/agreement/")
        assert "alice and bruno" in page.inner_text("main")
        page.screenshot(path=str(SCREENSHOTS / "agreement.png"), full_page=True)

        page.goto(f"{live_server.url}/projects/{project.slug}/assignments/")
        page.get_by_role("button", name="Distribute open claims fairly").click()
        page.wait_for_selector(".message.success")
        assert "6 assignments made." in page.inner_text(".messages")
        page.screenshot(path=str(SCREENSHOTS / "assignments.png"), full_page=True)

        page.goto(f"{live_server.url}/projects/{project.slug}/members/")
        row = page.locator("tr[data-member=chloe]")
        row.get_by_label("Role of chloe").select_option("editor")
        row.get_by_role("button", name="Change role").click()
        page.wait_for_selector(".message.success")
        assert "chloe's role is now Editor." in page.inner_text(".messages")
        page.screenshot(path=str(SCREENSHOTS / "members.png"), full_page=True)

    assert Assignment.objects.count() == 6
    assert project.memberships.get(user__username="chloe").role == Role.EDITOR
