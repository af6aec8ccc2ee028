"""In a browser: pages name things by their labels, not stored keys, and say each message
once."""

import json

from playwright.sync_api import expect

from annotations.models import Claim, Export, Job, JobKind

from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import ClaimFactory, DocumentFactory

pytestmark = browser_test


def test_background_exports_are_named_by_format_and_filters(chromium, live_server, project, editor):
    export = Export.objects.create(
        project=project,
        requested_by=editor,
        format="jsonl",
        filters={"status": ["approved", "in_review"], "verdict": ["mostly_true"]},
    )
    Job.objects.create(kind=JobKind.EXPORT, project=project, export=export)
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/export/")
    row = page.locator("tr.export").first
    expect(row.locator("td").first).to_have_text(
        "JSONL (native, lossless)Status approved, in review; verdict mostly true"
    )


def test_import_errors_are_listed_once(chromium, live_server, project, editor):
    lines = [json.dumps({"type": "document"}), "{broken", "{also broken"]
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/export/")
    page.set_input_files(
        "#id_file",
        files=[
            {"name": "backup.jsonl", "mimeType": "text/plain", "buffer": "\n".join(lines).encode()}
        ],
    )
    page.get_by_role("button", name="Import").click()
    alert = page.locator(".message.error")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("backup.jsonl: ")
    expect(alert).to_contain_text("cannot be imported, so nothing was.")
    listed = page.locator(".import-errors li")
    expect(listed.first).to_be_visible()
    text = page.locator("main").inner_text()
    for item in listed.all_inner_texts():
        assert text.count(item) == 1, item
    screenshot(page, "import-errors")


def test_verdicts_read_as_labels_on_the_claim_pages(chromium, live_server, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    Claim.objects.filter(pk=claim.pk).update(status="approved", final_verdict="mostly_true")
    page = open_as(chromium, live_server, annotator, f"/claims/{claim.pk}/")
    expect(page.locator("main")).to_contain_text("Final verdict: Mostly true")
    expect(page.locator("main")).not_to_contain_text("mostly_true")


def test_an_empty_comment_gets_one_message(chromium, live_server, project, annotator):
    claim = ClaimFactory(document=DocumentFactory(project=project))
    page = open_as(chromium, live_server, annotator, f"/claims/{claim.pk}/comments/")
    page.get_by_label("Add a comment").fill("   ")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".error-text")).to_have_count(1)
    expect(page.locator(".messages")).to_have_count(0)
