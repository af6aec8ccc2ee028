"""In a browser: the review queue, dashboard, agreement page and navigation say exactly
what is so."""

from playwright.sync_api import expect

from annotations.review import review_claim

from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.reviewing import claim_in_review

pytestmark = browser_test


def test_a_claim_with_one_annotation_is_not_called_agreed(
    chromium, live_server, project, annotator, editor
):
    claim = claim_in_review(project, (annotator, "false"))
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/review/")
    card = page.locator(f"section[data-claim-id='{claim.pk}']")
    expect(card.locator(".badge").first).to_have_text("One annotation")
    expect(card).not_to_contain_text("Annotators agree")


def test_the_dashboard_counts_a_submission_that_was_later_returned(
    chromium, live_server, project, annotator, editor
):
    claim = claim_in_review(project, (annotator, "false"))
    review_claim(claim, editor, action="return", comment="Cite the minutes.")
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/dashboard/")
    row = page.locator("table.throughput tbody tr", has_text="alice")
    expect(row.locator("td").last).to_have_text("1")
    expect(row.locator("td").nth(-2)).to_have_text("1")  # today


def test_the_agreement_page_explains_an_empty_per_annotator_table(
    chromium, live_server, project, editor
):
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/agreement/")
    section = page.locator("section", has=page.get_by_role("heading", name="Per annotator"))
    expect(section).to_contain_text("nothing to compare yet")


def test_the_navigation_marks_the_current_page(chromium, live_server, project, admin):
    page = open_as(chromium, live_server, admin, f"/projects/{project.slug}/review/")
    nav = page.get_by_role("navigation", name="Project")
    expect(nav.locator("[aria-current=page]")).to_have_text("Review")
    current = nav.get_by_role("link", name="Review")
    assert current.evaluate("link => getComputedStyle(link).boxShadow") != "none"
    screenshot(page, "nav-current-review")
    nav.get_by_role("link", name="Settings").click()
    expect(nav.locator("[aria-current=page]")).to_have_text("Settings")
    nav.get_by_role("link", name=project.name).click()
    expect(nav.locator("[aria-current=page]")).to_have_text(project.name)
