from playwright.sync_api import expect

from annotations.models import Annotation

from .support.desk_browser import (  # noqa: F401 (fixtures)
    browser_test,
    chromium_fixture,
    open_as,
    screenshot,
)
from .support.factories import ClaimFactory, DocumentFactory
from .test_sources import server_fixture  # noqa: F401 (fixture)

pytestmark = browser_test


def test_pasted_sources_are_archived_reordered_and_removed(
    chromium,
    live_server,
    annotator,
    project,
    server,
    settings,
):
    settings.SOURCE_FETCH_ALLOW_PRIVATE = True
    settings.SOURCE_FETCH_TIMEOUT = 2
    claim = ClaimFactory(document=DocumentFactory(project=project))
    page = open_as(
        chromium, live_server, annotator, f"/documents/{claim.document_id}/?claim={claim.pk}"
    )
    page.keyboard.press("a")
    page.keyboard.type(f"{server}/article")
    page.keyboard.press("Enter")
    page.keyboard.type(f"{server}/missing")
    page.keyboard.press("Enter")
    sources = page.locator("#sources li")
    expect(sources.nth(0).locator(".fetch")).to_contain_text(
        "archived · Harbour Gazette · 2026-03-12"
    )
    expect(sources.nth(0).locator("a")).to_have_text("Council minutes, 12 March")
    expect(sources.nth(1).locator(".fetch")).to_contain_text(
        "not archived: The site answered HTTP 404"
    )
    screenshot(page, "desk-sources")

    sources.nth(1).get_by_role("button", name="Move source 2 up").click()
    expect(sources.nth(0).locator("a")).to_have_text(f"{server}/missing")
    sources.nth(0).get_by_role("button", name="Remove source 1").click()
    expect(sources).to_have_count(1)
    expect(page.locator("#save-state")).to_have_text("All changes saved")
    annotation = Annotation.objects.get(claim=claim, annotator=annotator)
    (source,) = annotation.sources.all()
    assert source.url == f"{server}/article"
    assert source.fetch_job.state == "done" and source.snapshot_sha256
