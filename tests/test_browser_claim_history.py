"""In a browser: a claim's history reads as a timeline of who changed what, before and
after, in words rather than stored values."""

import re

from playwright.sync_api import expect

from annotations.annotating import save_annotation
from annotations.models import Annotation
from annotations.review import review_claim

from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import ClaimFactory, DocumentFactory

pytestmark = browser_test

SOURCE = {
    "url": "https://minutes.example.org/council/2025-03-11/full-minutes-of-the-session",
    "title": "Council minutes, 11 March",
    "stance": "refutes",
    "quote": "Seven members voted in favour.",
}


def test_the_history_is_a_readable_timeline(chromium, live_server, project, annotator, editor):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    fields = {"stance": "refuted", "rationale": "The minutes say 7 to 2.", "sources": [SOURCE]}
    save_annotation(claim, annotator, verdict="false", version=0, **fields)
    save_annotation(claim, annotator, verdict="false", submit=True, version=1, **fields)
    claim.refresh_from_db()
    review_claim(claim, editor, action="return", comment="Is it mostly false rather?")
    version = Annotation.objects.get(claim=claim).version
    save_annotation(
        claim, annotator, verdict="mostly_false", submit=True, version=version, **fields
    )
    claim.refresh_from_db()
    review_claim(claim, editor, action="approve", comment="Agreed.")

    page = open_as(chromium, live_server, editor, f"/claims/{claim.pk}/history/")
    timeline = page.locator("ol.timeline")
    screenshot(page, "claim-history")
    events = timeline.locator("li.event")
    expect(events.filter(has_text="alice started an annotation")).to_have_count(1)
    expect(events.filter(has_text="erin returned the claim to its annotators")).to_contain_text(
        "Is it mostly false rather?"
    )
    # The resubmission shows what changed, before and after, and nothing that did not.
    resubmitted = events.filter(has_text="alice submitted their annotation").last
    expect(resubmitted.locator("dt")).to_have_text(["State", "Verdict"])
    expect(resubmitted.locator("dd").nth(1)).to_have_text("False → Mostly false")
    approved = events.filter(has_text="erin approved the verdict")
    expect(approved).to_contain_text("Agreed.")
    expect(approved.locator("dd").filter(has_text="Mostly false")).to_have_count(1)
    # Sources read as title, stance, address and quote.
    first = events.filter(has_text="alice started an annotation")
    expect(first).to_contain_text(
        "Council minutes, 11 March (refutes) "
        + SOURCE["url"]
        + ": “Seven members voted in favour.”"
    )
    text = timeline.inner_text()
    for raw in ("annotator_id", "claim_id", "mostly_false", "[{", "'url'", "None"):
        assert raw not in text, raw
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text), "ISO timestamps"
    # Long values wrap between words; only a word too long for the line is broken.
    for value in timeline.locator("dd").all():
        style = value.evaluate(
            "e => [getComputedStyle(e).wordBreak, getComputedStyle(e).overflowWrap]"
        )
        assert style == ["normal", "break-word"], style


def test_the_history_is_readable_at_800_pixels(chromium, live_server, project, annotator, editor):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    save_annotation(
        claim, annotator, stance="refuted", verdict="false", sources=[SOURCE], submit=True
    )
    page = open_as(
        chromium,
        live_server,
        editor,
        f"/claims/{claim.pk}/history/",
        {"width": 800, "height": 1000},
    )
    expect(page.locator("ol.timeline")).to_contain_text("alice submitted their annotation")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800, width
    screenshot(page, "claim-history-800")
