"""In a browser: the settings page explains every setting, says what is wrong with a value
beside it, and saving unchanged guidelines makes no new version."""

from playwright.sync_api import expect

from annotations.models import Project

from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401

pytestmark = browser_test


def settings_page(chromium, live_server, project, user, viewport=None):
    return open_as(chromium, live_server, user, f"/projects/{project.slug}/settings/", viewport)


def test_out_of_range_values_are_explained_beside_their_fields(
    chromium, live_server, project, admin
):
    page = settings_page(chromium, live_server, project, admin)
    page.get_by_label("Annotations per claim").fill("0")
    page.get_by_label("Check-worthiness threshold").fill("2")
    page.get_by_role("button", name="Save settings").click()
    summary = page.locator("#settings-errors")
    expect(summary).to_contain_text("Nothing was saved: 2 settings need a change.")
    expect(page.locator("#id_annotations_per_claim-error")).to_have_text(
        "Annotations per claim must be at least 1."
    )
    expect(page.locator("#id_checkworthiness_threshold-error")).to_have_text(
        "The threshold must be between 0 and 1."
    )
    # What was typed stays, to be corrected.
    expect(page.get_by_label("Check-worthiness threshold")).to_have_value("2")
    screenshot(page, "settings-errors")
    project.refresh_from_db()
    assert (project.annotations_per_claim, project.checkworthiness_threshold) == (1, 0.5)


def test_every_setting_is_explained(chromium, live_server, project, admin):
    page = settings_page(chromium, live_server, project, admin)
    for setting in page.locator(".setting").all():
        assert setting.locator(".help").count() == 1, setting.inner_text()


def test_guidelines_changed_only_in_line_endings_make_no_new_version(
    chromium, live_server, admin, project
):
    Project.objects.filter(pk=project.pk).update(guidelines="## Rules\n\nBe fair.\nBe quick.")
    page = settings_page(chromium, live_server, project, admin)
    page.get_by_label("Name", exact=True).fill("Renamed desk")
    with page.expect_request("**/settings/") as sent:
        page.get_by_role("button", name="Save settings").click()
    # The browser sends the untouched guidelines with CRLF line endings: only those differ.
    assert "Be+fair.%0D%0ABe+quick." in sent.value.post_data
    expect(page.locator(".message.success")).to_have_text("Settings saved.")
    assert project.guideline_versions.count() == 0
    project.refresh_from_db()
    assert project.name == "Renamed desk"
    assert project.guidelines == "## Rules\n\nBe fair.\nBe quick."
