import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Claim

from .support.desk_browser import (  # noqa: F401 (fixtures)
    browser_test,
    chromium_fixture,
    open_as,
    screenshot,
)
from .support.factories import ClaimFactory, DocumentFactory, span_of

pytestmark = browser_test


@pytest.fixture
def claim(project):
    return ClaimFactory(document=DocumentFactory(project=project, title="Flood wall vote"))


def desk(claim) -> str:
    return f"/documents/{claim.document_id}/?claim={claim.pk}"


def saved_rationale(claim, user) -> str | None:
    annotation = Annotation.objects.filter(claim=claim, annotator=user).first()
    return annotation.rationale if annotation else None


def test_autosave_survives_a_reload(chromium, live_server, annotator, claim):
    page = open_as(chromium, live_server, annotator, desk(claim))
    page.keyboard.press("c")  # stance: conflicting
    page.keyboard.press("r")
    page.keyboard.type("Line one.\nLine two, with  two spaces.")
    expect(page.locator("#save-state")).to_have_text("All changes saved")
    assert saved_rationale(claim, annotator) == "Line one.\nLine two, with  two spaces."
    page.reload()
    expect(page.locator("#rationale")).to_have_value("Line one.\nLine two, with  two spaces.")
    expect(page.locator("input[name=stance][value=conflicting]")).to_be_checked()
    assert page.js_errors == []


def test_edits_made_offline_arrive_when_the_network_returns(
    chromium, live_server, annotator, claim
):
    page = open_as(chromium, live_server, annotator, desk(claim))
    page.route("**/api/**", lambda route: route.abort("internetdisconnected"))
    page.keyboard.press("r")
    page.keyboard.type("Written on the train.")
    expect(page.locator("#save-state")).to_have_text("offline — 1 change waiting")
    page.keyboard.press("Escape")
    page.keyboard.press("y")  # stance: supported, also while offline
    expect(page.locator("#save-state")).to_have_text("offline — 2 changes waiting")
    screenshot(page, "desk-offline")
    assert saved_rationale(claim, annotator) is None

    # Even a reload while offline keeps the edits: they wait in the browser.
    page.reload()
    expect(page.locator("#rationale")).to_have_value("Written on the train.")
    expect(page.locator("input[name=stance][value=supported]")).to_be_checked()
    expect(page.locator("#save-state")).to_have_text("offline — 2 changes waiting")

    page.unroute("**/api/**")
    expect(page.locator("#save-state")).to_have_text("All changes saved", timeout=15000)
    annotation = Annotation.objects.get(claim=claim, annotator=annotator)
    assert annotation.rationale == "Written on the train."
    assert annotation.stance == "supported"
    assert annotation.state == "draft"


def test_the_status_line_follows_autosave_and_offline_drafts(
    chromium, live_server, annotator, claim
):
    page = open_as(chromium, live_server, annotator, desk(claim))
    status = page.locator("#claim-status")
    mark = page.locator(f"mark.claim[data-claim-id='{claim.pk}']")
    expect(status).to_have_text("Unstarted")
    page.keyboard.press("y")
    expect(page.locator("#save-state")).to_have_text("All changes saved")
    expect(status).to_have_text("In progress · your draft is saved")
    expect(mark).to_have_attribute("data-label", "In progress")
    expect(page.locator("#claim-picker option:checked")).to_contain_text("[In progress]")

    other = ClaimFactory(document=DocumentFactory(project=claim.project, title="Budget"))
    page = open_as(chromium, live_server, annotator, desk(other))
    page.route("**/api/**", lambda route: route.abort("internetdisconnected"))
    page.keyboard.press("x")
    expect(page.locator("#claim-status")).to_have_text(
        "In progress · your draft waits in this browser until the network returns"
    )
    screenshot(page, "desk-status-offline")
    page.unroute("**/api/**")
    expect(page.locator("#claim-status")).to_have_text(
        "In progress · your draft is saved", timeout=15000
    )
    assert Claim.objects.get(pk=other.pk).status == "in_progress"


def test_a_conflict_between_two_sessions_is_merged_side_by_side(
    chromium, live_server, annotator, claim
):
    mine = open_as(chromium, live_server, annotator, desk(claim))
    theirs = open_as(chromium, live_server, annotator, desk(claim))

    theirs.keyboard.press("x")  # refuted
    theirs.keyboard.press("r")
    theirs.keyboard.type("Their rationale.")
    expect(theirs.locator("#save-state")).to_have_text("All changes saved")

    mine.keyboard.press("5")  # verdict: false
    mine.keyboard.press("r")
    mine.keyboard.type("My rationale.")
    dialog = mine.locator("#conflict")
    expect(dialog).to_be_visible()
    expect(mine.locator("#conflict-mine")).to_contain_text("My rationale.")
    expect(mine.locator("#conflict-theirs")).to_contain_text("Their rationale.")
    expect(mine.locator("#conflict-theirs")).to_contain_text("Refuted")
    screenshot(mine, "desk-conflict")
    # The parts that differ are marked on both sides and in the merge; the rest is not.
    expect(mine.locator("#conflict-summary")).to_have_text(
        "They differ in: stance, verdict, rationale."
    )
    for side in ("#conflict-mine", "#conflict-theirs"):
        expect(mine.locator(f"{side} dt", has_text="(differs)")).to_have_count(3)
        expect(mine.locator(f"{side} dd.differs")).to_have_count(3)
    expect(mine.locator(".merge-row.differs")).to_have_count(3)
    expect(mine.locator(".merge-row", has_text="Check-worthy")).to_contain_text("the same in both")

    mine.locator("input[name=merge-stance][value=theirs]").check()
    mine.get_by_role("button", name="Save merged").click()
    expect(dialog).to_be_hidden()
    expect(mine.locator("#save-state")).to_have_text("All changes saved")
    annotation = Annotation.objects.get(claim=claim, annotator=annotator)
    assert annotation.stance == "refuted"  # theirs
    assert annotation.verdict == "false"  # mine
    assert annotation.rationale == "My rationale."  # mine
    assert annotation.version == 2
    expect(mine.locator("#rationale")).to_have_value("My rationale.")


def test_keep_mine_and_take_theirs(chromium, live_server, annotator, claim):
    mine = open_as(chromium, live_server, annotator, desk(claim))
    theirs = open_as(chromium, live_server, annotator, desk(claim))
    theirs.keyboard.press("r")
    theirs.keyboard.type("Theirs.")
    expect(theirs.locator("#save-state")).to_have_text("All changes saved")
    mine.keyboard.press("r")
    mine.keyboard.type("Mine.")
    expect(mine.locator("#conflict")).to_be_visible()
    mine.get_by_role("button", name="Keep mine").click()
    expect(mine.locator("#save-state")).to_have_text("All changes saved")
    assert saved_rationale(claim, annotator) == "Mine."

    theirs.keyboard.type(" More.")
    expect(theirs.locator("#conflict")).to_be_visible()
    theirs.get_by_role("button", name="Take theirs").click()
    expect(theirs.locator("#rationale")).to_have_value("Mine.")
    assert saved_rationale(claim, annotator) == "Mine."


def test_a_claim_is_added_by_selecting_text(chromium, live_server, annotator, claim):
    page = open_as(chromium, live_server, annotator, desk(claim))
    wanted = "the wall would cost 14.5 million euros"
    # Select the words with the mouse: from the start of "the wall" to the end of "euros".
    page.evaluate(
        """(wanted) => {
        const root = document.getElementById("doc-text");
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
          const at = node.data.indexOf(wanted);
          if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + wanted.length);
            const sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            return;
          }
        }
        throw new Error("text not found");
    }""",
        wanted,
    )
    expect(page.locator("#selection-tools")).to_be_visible()
    screenshot(page, "desk-selection")
    page.keyboard.press("n")
    expect(page.locator("#claim-text")).to_have_text(wanted)
    added = Claim.objects.get(origin="manual")
    start, end = span_of(claim.document, wanted)
    assert (added.start, added.end, added.text) == (start, end, wanted)
    assert f"claim={added.pk}" in page.url
    expect(page.locator(f'mark.claim[data-claim-id="{added.pk}"]')).to_have_text(wanted)
