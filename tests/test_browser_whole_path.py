"""The whole path in a real browser, as a new fact-checker and her editor would walk it:
log in, paste an article, see its claims highlighted, annotate one with two sources,
submit; the editor approves it; the export holds the verdict.

Screenshots of every screen (1366x768 viewport, full page) go to test-output/screenshots/."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect

from annotations.models import Claim, ClaimStatus

from .support.browser import launch_chromium

pytestmark = [
    pytest.mark.browser,
    # Committed rows (another process reads them); the preset rating scales come back
    # after each flush through post_migrate (annotations/scales.py).
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "correct horse battery"  # tests/support/factories.py UserFactory

ARTICLE = """Harbour town approves flood wall after record storm season

The town council of Lindqvist Harbour voted 7 to 2 on Tuesday to build a 1.8-kilometre flood wall along the old quay, after the wettest autumn since records began in 1921.

Mayor Ana Ribeiro said the wall would cost 14.5 million euros and protect about 3,200 homes. "Without it, every second winter will flood the lower town," she told reporters.

According to the regional audit office, the town's debt stood at 22 million euros at the end of last year.
"""


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        try:
            yield page
        finally:
            # While Playwright runs, the test's ORM calls happen in another context and
            # so on their own connection; close it, or it would block dropping the test
            # database at the end of the session.
            connections.close_all()
            context.close()
            browser.close()
        assert not errors, f"JavaScript errors in the browser: {errors}"


def shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_an_article_goes_from_paste_to_approved_verdict_in_the_export(
    page, live_server, project, annotator, editor, tmp_path
):
    base = live_server.url

    # The fact-checker logs in and finds her project.
    page.goto(f"{base}/")
    page.wait_for_url("**/login/?next=/")
    shoot(page, "01-login")
    log_in(page, base, "alice")
    shoot(page, "02-project-list")
    page.get_by_role("link", name=project.name).click()

    # She pastes an article; its claims are extracted and highlighted in the text.
    page.get_by_label("Title").fill("Flood wall vote")
    page.get_by_label("Text").fill(ARTICLE.split("\n", 2)[2])
    shoot(page, "03-project-paste")
    page.get_by_role("button", name="Add and extract claims").click()
    page.wait_for_url("**/documents/*/**")
    assert (
        page.locator("[data-extraction-status]").get_attribute("data-extraction-status") == "done"
    )
    highlights = page.locator("#doc-text mark.claim")
    assert highlights.count() >= 3
    target = highlights.filter(has_text="debt stood at 22 million euros")
    assert target.count() == 1
    shoot(page, "04-document-highlighted")

    # She opens the claim at the desk and records stance, verdict, two sources and a rationale.
    target.click()
    claim_id = int(target.get_attribute("data-claim-id"))
    expect(page.locator("#claim-text")).to_contain_text("22 million euros")
    page.locator("input[name=stance][value=supported]").check()
    page.locator("input[name=verdict][value=mostly_true]").check()
    sources = [
        ("https://lindqvist.example.org/council/minutes-2026-03", "supports"),
        ("https://audit.example.org/reports/lindqvist-2025", "neutral"),
    ]
    for number, (url, stance) in enumerate(sources, start=1):
        page.locator("#new-source").fill(url)
        page.locator("#new-source").press("Enter")
        page.locator(f"#src-{number}-stance").select_option(stance)
        page.locator(f"#src-{number}-quote").fill(f"Quoted passage from source {number}.")
    page.locator("#rationale").fill("The audit report puts the debt at 21.6 million euros.")
    shoot(page, "05-annotate-filled")
    page.locator("#submit-next").click()
    wait_until(lambda: Claim.objects.get(pk=claim_id).status == ClaimStatus.IN_REVIEW)
    shoot(page, "06-annotate-submitted")

    # She logs out; the editor logs in and approves the verdict in the review queue.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    log_in(page, base, "erin")
    page.get_by_role("link", name=project.name).click()
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Review").click()
    item = page.locator(f"[data-claim-id='{claim_id}']")
    for url, _ in sources:
        assert url in item.inner_text()
    shoot(page, "07-review-queue")
    item.get_by_role("button", name="Approve alice's verdict").click()
    page.get_by_text(f"Claim {claim_id}: verdict approved.").wait_for()
    shoot(page, "08-review-approved")
    assert Claim.objects.get(pk=claim_id).status == ClaimStatus.APPROVED

    # The export holds the approved verdict.
    page.get_by_role("link", name="Export").click()
    page.locator("#id_format").select_option("jsonl")
    shoot(page, "09-export")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / "export.jsonl"
    download_info.value.save_as(path)
    records = {
        record["id"]: record
        for record in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if record["type"] == "claim"
    }
    exported = records[str(Claim.objects.get(pk=claim_id).public_id)]
    assert exported["status"] == "approved"
    assert exported["final_verdict"]["key"] == "mostly_true"
    assert exported["text"] == Claim.objects.get(pk=claim_id).text
    [annotation] = exported["annotations"]
    assert [source["url"] for source in annotation["sources"]] == [url for url, _ in sources]
    assert [source["stance"] for source in annotation["sources"]] == ["supports", "neutral"]
