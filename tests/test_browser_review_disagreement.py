"""In a browser: an editor resolves a disagreement between two annotators."""

import pytest

from annotations.models import Claim, ClaimStatus

from .support.browser import SCREENSHOTS, chromium_page, log_in
from .support.reviewing import claim_in_review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_an_editor_resolves_a_disagreement(
    live_server, project, editor, annotator, second_annotator
):
    project.annotations_per_claim = 2
    project.save()
    agreed = claim_in_review(project, (annotator, "false"), (second_annotator, "false"))
    disputed = claim_in_review(project, (annotator, "false"), (second_annotator, "mostly_false"))

    with chromium_page() as page:
        log_in(page, live_server, "erin")
        page.goto(f"{live_server.url}/projects/{project.slug}/review/")
        cards = page.locator("section.review-item")
        # The disagreement comes first, and says so in words, not only by colour.
        assert cards.first.get_attribute("data-claim-id") == str(disputed.pk)
        assert "Annotators disagree" in cards.first.inner_text()
        assert cards.nth(1).get_attribute("data-claim-id") == str(agreed.pk)
        verdicts = cards.first.locator("dd.differs")
        assert verdicts.count() == 2
        assert "(differs)" in verdicts.first.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "review-disagreement.png"), full_page=True)

        bruno = cards.first.locator(".annotation[data-annotator=bruno]")
        bruno.get_by_label("Lock the verdict").check()
        bruno.get_by_role("button", name="Approve bruno's verdict").click()
        page.wait_for_selector(".message.success")
        assert f"Claim {disputed.pk}: verdict approved." in page.inner_text(".messages")
        # Only the agreed claim is left.
        assert page.locator("section.review-item").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "review-resolved.png"), full_page=True)

        page.goto(f"{live_server.url}/claims/{disputed.pk}/history/")
        assert "Locked" in page.inner_text("main")
        page.screenshot(path=str(SCREENSHOTS / "review-history.png"), full_page=True)

    disputed = Claim.objects.get(pk=disputed.pk)
    assert (disputed.status, disputed.final_verdict, disputed.locked) == (
        ClaimStatus.APPROVED,
        "mostly_false",
        True,
    )
