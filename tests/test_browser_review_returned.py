"""In a browser: an editor returns a claim to one annotator, who sees it with the comment."""

import pytest
from playwright.sync_api import expect

from .support.browser import SCREENSHOTS, chromium_page, log_in, log_out
from .support.reviewing import claim_in_review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_returned_claim_reaches_the_annotator_with_the_comment(
    live_server, project, editor, annotator, second_annotator
):
    project.annotations_per_claim = 2
    project.save()
    claim = claim_in_review(project, (annotator, "false"), (second_annotator, "true"))
    comment = "The vote was 7 to 2, not 9 to 0: check the minutes again."

    with chromium_page() as page:
        log_in(page, live_server, "erin")
        page.goto(f"{live_server.url}/projects/{project.slug}/review/")
        alice = page.locator(
            f"section[data-claim-id='{claim.pk}'] .annotation[data-annotator=alice]"
        )
        alice.locator("summary", has_text="Return to alice").click()
        alice.get_by_label("Comment for alice").fill(comment)
        alice.get_by_role("button", name="Return to alice").click()
        page.wait_for_selector(".message.success")
        log_out(page)

        log_in(page, live_server, "alice")
        page.goto(f"{live_server.url}/projects/{project.slug}/")
        returned = page.locator("section.returned")
        assert "Returned to you" in returned.inner_text()
        assert page.inner_text("main").count("Returned to you") == 1  # said once
        assert comment in returned.inner_text()
        assert "erin" in returned.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "returned-to-annotator.png"), full_page=True)
        returned.get_by_role("link", name=claim.text[:30]).click()
        # The claim opens on the desk, saying it was returned, by whom and why.
        page.wait_for_url(f"{live_server.url}/documents/{claim.document_id}/?claim={claim.pk}")
        note = page.locator("#returned-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text("Returned to you by erin")
        assert page.inner_text("main").count("Returned to you") == 1
        expect(note.locator(".return-comment")).to_have_text(comment)
        page.screenshot(path=str(SCREENSHOTS / "desk-returned.png"))
        log_out(page)

        log_in(page, live_server, "bruno")
        page.goto(f"{live_server.url}/projects/{project.slug}/")
        assert page.locator("section.returned").count() == 0
