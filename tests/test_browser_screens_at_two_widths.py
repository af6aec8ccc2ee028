"""In a browser: every screen at 1280 and at 800 pixels wide fits its width (no sideways
scrolling) and is saved as a screenshot to look at (test-output/screenshots/screens-*)."""

import pytest
from django.utils import timezone

from annotations.models import Claim, Export, Job, JobKind, Role
from annotations.people import create_invitation, invitation_url
from annotations.review import review_claim

from .conftest import member
from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import ClaimFactory, DocumentFactory, UserFactory
from .support.reviewing import claim_in_review

pytestmark = browser_test

WIDTHS = [1280, 800]


def a_busy_project(project):
    """Claims in every state, a returned one, a review with disagreement, an export."""
    alice = member(project, Role.ANNOTATOR, "alice")
    bruno = member(project, Role.ANNOTATOR, "bruno")
    erin = member(project, Role.EDITOR, "erin")
    project.annotations_per_claim = 2
    project.save()
    document = DocumentFactory(
        project=project, title="Harbour town council approves new flood wall"
    )
    for n in range(6):
        ClaimFactory(document=document, score=0.3 + n / 10, speaker="Ana Ribeiro")
    disputed = claim_in_review(project, (alice, "false"), (bruno, "mostly_false"))
    returned = claim_in_review(project, (alice, "true"), (bruno, "true"))
    review_claim(returned, erin, action="return", comment="Cite the audit office's report.")
    approved = claim_in_review(project, (alice, "false"), (bruno, "false"))
    review_claim(approved, erin, action="approve", comment="Checked.")
    export = Export.objects.create(
        project=project, requested_by=erin, format="csv", row_count=9,
        filters={"status": ["approved"]}, sha256="ab" * 32, file="x",
    )  # fmt: skip
    Job.objects.create(
        kind=JobKind.EXPORT, project=project, export=export, state="done",
        finished_at=timezone.now(),
    )  # fmt: skip
    return {"alice": alice, "erin": erin, "disputed": disputed, "returned": returned}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_screen_fits_its_width(chromium, live_server, project, width):
    world = a_busy_project(project)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    owner = member(project, Role.ADMIN, "ada")
    invitation = create_invitation(owner, project=project, role=Role.EDITOR, note="Night desk")
    project.organisation.admins.add(owner)
    slug = project.slug
    returned = Claim.objects.get(pk=world["returned"].pk)
    tour = [
        (owner, "project", f"/projects/{slug}/"),
        (owner, "project-filtered", f"/projects/{slug}/?status=in_review&sort=updated"),
        (world["alice"], "desk-returned", returned.get_absolute_url()),
        (owner, "settings", f"/projects/{slug}/settings/"),
        (owner, "rating-scale", f"/projects/{slug}/scale/"),
        (owner, "members", f"/projects/{slug}/members/"),
        (world["erin"], "members-editor", f"/projects/{slug}/members/"),
        (owner, "review", f"/projects/{slug}/review/"),
        (owner, "history", f"/claims/{world['disputed'].pk}/history/"),
        (owner, "dashboard", f"/projects/{slug}/dashboard/"),
        (owner, "agreement", f"/projects/{slug}/agreement/"),
        (owner, "export", f"/projects/{slug}/export/"),
        (owner, "not-found", "/projects/nothing-here/"),
        (root, "people", "/people/"),
        (owner, "organisations", "/organisations/"),
        (owner, "organisation", project.organisation.get_absolute_url()),
        (None, "invitation", invitation_url(invitation)),
        (None, "login", "/login/"),
    ]
    viewport = {"width": width, "height": 900}
    too_wide = []
    for user, name, path in tour:
        if user is None:
            page = chromium.new_page(viewport=viewport)
            page.goto(live_server.url + path)
            page.js_errors = []
        else:
            page = open_as(chromium, live_server, user, path, viewport)
        page.wait_for_load_state("networkidle")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide.append((name, scroll))
        page.screenshot(path=str(screenshot_path(f"screens-{name}-{width}")), full_page=True)
        assert page.js_errors == [], (name, page.js_errors)
        page.context.close()
    assert too_wide == []


def screenshot_path(name):
    from .support.desk_browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
