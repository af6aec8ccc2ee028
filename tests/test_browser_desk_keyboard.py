import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Claim
from annotations.projects import update_project

from .support.desk_browser import (  # noqa: F401 (fixtures)
    browser_test,
    chromium_fixture,
    open_as,
    screenshot,
)
from .support.factories import ClaimFactory, DocumentFactory, span_of

pytestmark = browser_test


@pytest.fixture
def claims(project, admin):
    update_project(project, admin, {"guidelines": "## Ratings\n\nRate the claim **as stated**."})
    document = DocumentFactory(project=project, title="Harbour council approves flood wall")
    first = ClaimFactory(document=document, score=0.9)
    text = "The mayor said the wall would cost 14.5 million euros."
    start, end = span_of(document, text)
    second = ClaimFactory(document=document, text=text, start=start, end=end, score=0.7)
    return first, second


def test_a_claim_is_annotated_with_the_keyboard_only(chromium, live_server, annotator, claims):
    first, second = claims
    page = open_as(
        chromium, live_server, annotator, f"/documents/{first.document_id}/?claim={first.pk}"
    )
    expect(page.locator("#claim-position")).to_have_text("1 of 2")
    screenshot(page, "desk-laptop")

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    screenshot(page, "desk-cheatsheet")
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    expect(page.locator("#guidelines")).to_contain_text("Rate the claim as stated")
    page.keyboard.press("Escape")
    expect(page.locator("#guidelines")).to_be_hidden()

    page.keyboard.press("x")  # stance: refuted
    page.keyboard.press("6")  # sixth label of the six-point scale
    page.keyboard.press("w")  # check-worthy: yes
    page.keyboard.press("a")  # add a source
    expect(page.locator("#new-source")).to_be_focused()
    page.keyboard.type("https://evidence.example.org/minutes")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.locator("#rationale")).to_be_focused()
    # Letters typed in a field are text, not shortcuts.
    page.keyboard.type("The minutes say 5 to 4; just check them, keys j k s x stay text.")
    expect(page.locator("#claim-position")).to_have_text("1 of 2")
    screenshot(page, "desk-annotated")
    page.keyboard.press("Control+Enter")  # submit and next, from inside the text field

    expect(page.locator("#claim-position")).to_have_text("2 of 2")
    annotation = Annotation.objects.get(claim=first, annotator=annotator)
    assert annotation.state == "submitted"
    assert annotation.stance == "refuted"
    assert annotation.verdict == first.project.rating_scale.labels.all()[5].key
    assert annotation.checkworthy is True
    assert annotation.rationale.endswith("keys j k s x stay text.")
    assert [s.url for s in annotation.sources.all()] == ["https://evidence.example.org/minutes"]
    assert annotation.guideline_version == 2

    page.keyboard.press("s")  # skip the second claim: the queue is then empty
    expect(page.locator("#announce")).to_contain_text("queue is empty")
    assert second.skips.filter(user=annotator).exists()
    assert page.js_errors == []


def test_submitting_without_a_verdict_says_what_is_missing(
    chromium, live_server, annotator, claims
):
    first, _ = claims
    page = open_as(
        chromium, live_server, annotator, f"/documents/{first.document_id}/?claim={first.pk}"
    )
    page.keyboard.press("Control+Enter")
    expect(page.locator("#form-error")).to_have_text(
        "Choose a stance and a verdict before submitting."
    )
    assert not Annotation.objects.filter(state="submitted").exists()


def test_the_desk_fits_at_200_percent_zoom(chromium, live_server, annotator, claims):
    first, _ = claims
    # A 1366 px wide laptop at 200% zoom lays out like a 683 px wide window.
    page = open_as(
        chromium,
        live_server,
        annotator,
        f"/documents/{first.document_id}/?claim={first.pk}",
        viewport={"width": 683, "height": 384},
    )
    expect(page.locator("#claim-position")).to_have_text("1 of 2")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 683
    page.keyboard.press("r")
    page.locator("#rationale").scroll_into_view_if_needed()
    screenshot(page, "desk-zoom-200")
    box = page.locator("#rationale").bounding_box()
    page.keyboard.type("Typing here must not move anything around. " * 3)
    page.wait_for_timeout(1500)  # the autosave has come and gone
    assert page.locator("#rationale").bounding_box() == box
    assert Claim.objects.count() == 2
