"""In a browser: an admin edits the project's rating scale (names, ordinal values, format
mappings, versions), and verdicts already given are mapped, never dropped in silence."""

from playwright.sync_api import expect

from annotations.models import Annotation, Project, RatingScale

from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory, ProjectFactory

pytestmark = browser_test


def card(page, key):
    return page.locator(f".label-card[data-label-key='{key}']")


def test_an_admin_edits_the_scale_as_a_new_version(chromium, live_server, project, admin):
    other = ProjectFactory()
    page = open_as(chromium, live_server, admin, f"/projects/{project.slug}/scale/")
    expect(
        page.get_by_role("navigation", name="Project").locator("[aria-current=page]")
    ).to_have_text("Rating scale")
    card(page, "mostly_true").get_by_label("Name").fill("Largely true")
    card(page, "half_true").get_by_label("AVeriTeC").select_option(
        "Conflicting Evidence/Cherrypicking"
    )
    card(page, "true").get_by_label("ClaimReview rating").fill("6")
    new = page.locator(".label-card").nth(6)
    new.get_by_label("Key").fill("unproven")
    new.get_by_label("Name").fill("Unproven")
    new.get_by_label("FEVER").select_option("NOT ENOUGH INFO")
    page.get_by_role("button", name="Save the scale").click()
    expect(page.locator(".message.success")).to_have_text("Rating scale saved as a new version.")
    expect(page.locator(".versions")).to_contain_text("Version 1")
    expect(page.locator(".versions")).to_contain_text("Largely true")
    screenshot(page, "rating-scale")

    project.refresh_from_db()
    scale = project.rating_scale
    assert scale.custom and scale.version == 1
    assert scale.label_for("mostly_true").label == "Largely true"
    assert scale.label_for("true").rating_value == 6
    assert scale.label_for("unproven").fever_label == "NOT ENOUGH INFO"
    assert scale.allowed_keys()[-1] == "unproven"
    # The shared preset, and the other project on it, did not change.
    assert RatingScale.objects.get(key="six-point").label_for("mostly_true").label == "Mostly true"
    assert Project.objects.get(pk=other.pk).rating_scale.key == "six-point"


def test_removing_a_verdict_in_use_asks_where_it_goes(chromium, live_server, project, admin):
    annotation = AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(project=project)), verdict="pants_on_fire"
    )
    page = open_as(chromium, live_server, admin, f"/projects/{project.slug}/scale/")
    card(page, "pants_on_fire").get_by_label("Remove this label").check()
    page.get_by_role("button", name="Save the scale").click()
    expect(page.locator("#scale-errors")).to_contain_text("choose below what each becomes")
    mapping = page.get_by_label("“pants_on_fire” (1 use) becomes")
    expect(mapping.locator("option")).to_have_count(6)  # "Choose…" and the five labels left
    screenshot(page, "rating-scale-mapping")
    assert not RatingScale.objects.filter(custom=True).exists()
    # Saving again without a choice is refused again.
    page.get_by_role("button", name="Save the scale").click()
    expect(page.locator("#mapping")).to_be_visible()
    page.get_by_label("“pants_on_fire” (1 use) becomes").select_option("false")
    page.get_by_role("button", name="Save the scale").click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator(".versions")).to_contain_text("pants_on_fire → false")
    assert Annotation.objects.get(pk=annotation.pk).verdict == "false"


def test_switching_scale_under_verdicts_asks_for_a_mapping(chromium, live_server, project, admin):
    annotation = AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(project=project)), verdict="mostly_true"
    )
    page = open_as(chromium, live_server, admin, f"/projects/{project.slug}/settings/")
    page.get_by_label("Rating scale").select_option(
        label="Check style (Verified / False / Inconclusive)"
    )
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#settings-errors")).to_contain_text("Rating scale")
    screenshot(page, "settings-scale-mapping")
    project.refresh_from_db()
    assert project.rating_scale.key == "six-point"
    page.get_by_label("“mostly_true” (1 use) becomes").select_option("verified")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".message.success")).to_have_text("Settings saved.")
    project.refresh_from_db()
    assert project.rating_scale.key == "check"
    assert Annotation.objects.get(pk=annotation.pk).verdict == "verified"
