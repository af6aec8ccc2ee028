from playwright.sync_api import expect

from annotations.models import ClaimMatch

from .support.desk_browser import (  # noqa: F401 (fixtures)
    browser_test,
    chromium_fixture,
    open_as,
    screenshot,
)
from .support.factories import ClaimFactory, DocumentFactory

pytestmark = browser_test


def test_the_panel_shows_earlier_checks_of_the_current_claim(
    chromium, live_server, project, annotator
):
    earlier = ClaimFactory(document=DocumentFactory(project=project, title="Last year's check"))
    earlier.status, earlier.final_verdict = "approved", "false"
    earlier.save()
    document = DocumentFactory(project=project, title="Flood wall vote")
    claim = ClaimFactory(document=document)
    other = ClaimFactory(
        document=document, text="The mayor said the wall would cost 14.5 million euros."
    )
    ClaimMatch.objects.create(claim=claim, matched_claim=earlier, score=0.91)

    page = open_as(chromium, live_server, annotator, f"/documents/{document.pk}/?claim={claim.pk}")
    matches = page.locator("#claim-matches")
    expect(matches).to_be_visible()
    expect(matches).to_contain_text("Verdict: False · similarity 0.91")
    screenshot(page, "desk-checked-before")
    page.keyboard.press("j")  # the next claim has no earlier check
    expect(page.locator("#claim-text")).to_contain_text("14.5 million")
    expect(matches).to_be_hidden()
    assert other.pk and page.js_errors == []

    # The earlier check is a link to that claim on its desk.
    page.keyboard.press("k")
    matches.get_by_role("link", name=earlier.text).click()
    page.wait_for_url(f"**/documents/{earlier.document_id}/?claim={earlier.pk}")
    expect(page.locator("#claim-text")).to_have_text(earlier.text)
