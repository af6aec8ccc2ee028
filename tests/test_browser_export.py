"""The export page follows a background export live: progress, then the download link."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from annotations.models import Export, Job, JobKind, Membership, Role
from tests.support.factories import ProjectFactory, UserFactory

from .support.browser import launch_chromium

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_export_page_shows_live_progress(live_server):

    project = ProjectFactory(slug="live")
    user = UserFactory(username="ed")
    Membership.objects.create(project=project, user=user, role=Role.EDITOR)
    export = Export.objects.create(
        project=project, requested_by=user, format="jsonl", rows_total=400
    )
    Job.objects.create(
        kind=JobKind.EXPORT,
        project=project,
        export=export,
        state="running",
        lease_expires_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "ed")
        page.fill("#id_password", "correct horse battery")
        page.click("button[type=submit], input[type=submit]")
        page.goto(f"{live_server.url}/projects/live/export/")
        row = page.locator("tr.export")
        expect(row.locator(".progress-text")).to_contain_text("0 of 400 claims")

        Export.objects.filter(pk=export.pk).update(rows_done=200)
        expect(row.locator(".progress-text")).to_contain_text("200 of 400 claims")
        page.screenshot(path=str(SCREENSHOTS / "export-progress.png"), full_page=True)

        Export.objects.filter(pk=export.pk).update(
            rows_done=400, row_count=400, sha256="ab" * 32, file="x"
        )
        Job.objects.filter(export=export).update(
            state="done", finished_at=datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)
        )
        expect(row.locator(".file a")).to_have_text("Download")
        expect(row.locator(".file a")).to_have_attribute("href", f"/exports/{export.pk}/download/")
        expect(row.locator(".file .meta").first).to_contain_text("400 records")
        expect(row.locator(".file")).to_contain_text("Kept until 2026-12-07 09:15 UTC")
        page.screenshot(path=str(SCREENSHOTS / "export-done.png"), full_page=True)
        browser.close()
