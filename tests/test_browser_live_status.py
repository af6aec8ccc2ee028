"""The desk and the project page follow extraction by themselves: opened while a document
waits for a worker, they show it, then show its claims once a real worker process has
extracted them, without a reload."""

from __future__ import annotations

import sys

import pytest
from playwright.sync_api import expect

from .support.celery_worker import test_database_url
from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import DocumentFactory
from .support.services import Process, app_env

pytestmark = [*browser_test, pytest.mark.postgres]

TEXT = (
    "Unemployment rose to 10 percent under his administration. Thank you very much, Jim. "
    "We built 500 new factories last year. Taxes on the middle class went up by 2,000 dollars."
)


@pytest.fixture
def job_worker(settings, tmp_path):
    """Starts `manage.py jobs work` on the test database when called."""
    settings.JOB_RUNNER = "worker"  # the live server only queues
    started = []

    def start() -> Process:
        env = app_env(test_database_url(), None, tmp_path / "data", JOB_RUNNER="worker")
        started.append(
            Process("jobs-work", [sys.executable, "manage.py", "jobs", "work"], env, tmp_path)
        )
        return started[-1]

    yield start
    for process in started:
        process.stop()


def test_the_desk_and_project_page_show_claims_once_a_worker_extracts_them(
    chromium, live_server, annotator, project, job_worker
):
    document = DocumentFactory(project=project, text=TEXT, extraction_status="queued")
    DocumentFactory(project=project, extraction_status="queued")
    desk = open_as(chromium, live_server, annotator, f"/documents/{document.pk}/")
    listing = open_as(chromium, live_server, annotator, f"/projects/{project.slug}/")
    expect(desk.locator("#extraction-state")).to_have_text("Waiting for a worker")
    expect(desk.locator("#extraction-pending")).to_contain_text("Waiting for a worker")
    expect(listing.locator("#extraction-progress")).to_contain_text(
        "0 of 2 documents done · 2 waiting for a worker"
    )
    for page in (desk, listing):
        page.evaluate("window.loadedOnce = true")

    job_worker()

    expect(desk.locator("#extraction-state")).to_have_text("Done", timeout=90_000)
    expect(desk.locator("#extraction-pending")).to_be_hidden()
    expect(desk.locator("#no-claims")).to_be_hidden()
    expect(desk.locator("mark.claim").first).to_be_visible()
    assert desk.locator("#claim-picker option").count() == desk.locator("mark.claim").count() >= 3
    expect(desk.locator("#claim-text")).not_to_be_empty()
    expect(desk.locator("#claim-count")).to_contain_text("claims")
    screenshot(desk, "live-status-desk")

    expect(listing.locator("#extraction-progress")).to_contain_text(
        "2 of 2 documents done", timeout=90_000
    )
    expect(listing.locator(f'tr[data-document-id="{document.pk}"] .badge')).to_have_text("Done")
    expect(listing.locator(f'tr[data-document-id="{document.pk}"] .n-claims')).not_to_have_text("0")
    expect(listing.locator('[data-claim-status="unstarted"] strong')).not_to_have_text("0")
    for page in (desk, listing):
        assert page.evaluate("window.loadedOnce") is True, "updated in place, not reloaded"
        assert page.js_errors == []
