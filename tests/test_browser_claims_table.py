"""In a browser: the project page's claims table filters, searches, sorts and pages, and
each row opens the desk at its claim."""

from playwright.sync_api import expect

from annotations.models import Claim

from .desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .factories import ClaimFactory, DocumentFactory

pytestmark = browser_test


def make_claims(project, n=30):
    claims = []
    for d in range(3):
        document = DocumentFactory(project=project, title=f"Council report {d}")
        for i in range(n // 3):
            claims.append(ClaimFactory(document=document, score=round(0.05 + (d * 10 + i) / 40, 3)))
    return claims


def test_the_table_pages_through_every_claim_and_back(chromium, live_server, project, editor):
    claims = make_claims(project)
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/")
    rows = page.locator(".claims-table tbody tr")
    expect(rows).to_have_count(25)
    screenshot(page, "claims-table")
    first_page = rows.evaluate_all("rows => rows.map(r => r.dataset.claimId)")
    # Highest check-worthiness first.
    best = max(claims, key=lambda c: c.score)
    assert first_page[0] == str(best.pk)
    page.get_by_role("link", name="Next →").click()
    expect(rows).to_have_count(5)
    expect(page.get_by_role("link", name="Next →")).to_have_count(0)
    page.get_by_role("link", name="← Previous").click()
    expect(rows).to_have_count(25)
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.claimId)") == first_page


def test_filters_search_and_order(chromium, live_server, project, editor):
    claims = make_claims(project)
    Claim.objects.filter(pk=claims[7].pk).update(
        status="approved", final_verdict="mostly_true", speaker="Ana Ribeiro"
    )
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/")
    # A status chip opens the table filtered by it; the verdict reads as its label.
    page.locator(".status-counts").get_by_role("link", name="Approved 1").click()
    rows = page.locator(".claims-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".col-verdict")).to_have_text("Mostly true")
    expect(page.get_by_label("Status", exact=True)).to_have_value("approved")
    expect(page.locator("#claims-count")).to_have_text("1 claim matches these filters.")

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Speaker").fill("ribeiro")
    page.get_by_role("button", name="Show claims").click()
    expect(rows).to_have_count(1)

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Document number").fill(str(claims[12].document_id))
    page.get_by_label("Order").select_option("score_low")
    page.get_by_role("button", name="Show claims").click()
    expect(rows).to_have_count(10)
    scores = [float(s) for s in rows.locator(".col-score").all_inner_texts()]
    assert scores == sorted(scores)
    screenshot(page, "claims-table-filtered")

    page.get_by_label("Search").fill("no such words")
    page.get_by_role("button", name="Show claims").click()
    expect(page.locator(".claims")).to_contain_text("No claim matches these filters.")


def test_a_row_opens_the_desk_at_its_claim(chromium, live_server, project, annotator):
    claims = make_claims(project, n=3)
    page = open_as(
        chromium,
        live_server,
        annotator,
        f"/projects/{project.slug}/",
        {"width": 800, "height": 900},
    )
    target = claims[1]
    page.locator(f"tr[data-claim-id='{target.pk}'] .col-claim a").click()
    page.wait_for_url(f"**/documents/{target.document_id}/?claim={target.pk}")
    expect(page.locator("#claim-text")).to_have_text(target.text)
