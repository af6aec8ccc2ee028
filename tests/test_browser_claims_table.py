"""In a browser: the project page's claims table filters, searches, sorts and pages, and
each row opens the desk at its claim."""

from playwright.sync_api import expect

from annotations.models import Claim

from .support.desk_browser import browser_test, chromium_fixture, open_as, screenshot  # noqa: F401
from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

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


def shown(rows) -> list[int]:
    return rows.evaluate_all("rows => rows.map(r => Number(r.dataset.claimId))")


def test_verdict_type_annotator_score_and_search_narrow_the_table(
    chromium, live_server, project, editor, annotator
):
    claims = make_claims(project)
    Claim.objects.filter(pk=claims[3].pk).update(status="approved", final_verdict="false")
    Claim.objects.filter(pk=claims[4].pk).update(claim_types=["statistic", "comparison"])
    AnnotationFactory(claim=claims[5], annotator=annotator)
    Claim.objects.filter(pk=claims[6].pk).update(text="The harbour wall costs 14.5 million.")
    page = open_as(chromium, live_server, editor, f"/projects/{project.slug}/")
    rows = page.locator(".claims-table tbody tr")

    page.get_by_label("Final verdict").select_option(label="False")
    page.get_by_role("button", name="Show claims").click()
    expect(rows).to_have_count(1)
    assert shown(rows) == [claims[3].pk]

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Claim type").select_option("comparison")
    page.get_by_role("button", name="Show claims").click()
    expect(rows).to_have_count(1)
    assert shown(rows) == [claims[4].pk]

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Annotated by").select_option(annotator.username)
    page.get_by_role("button", name="Show claims").click()
    expect(rows).to_have_count(1)
    assert shown(rows) == [claims[5].pk]
    expect(rows.first).to_contain_text(annotator.username)

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Search").fill("harbour wall")
    page.get_by_role("button", name="Show claims").click()
    expect(rows).to_have_count(1)
    assert shown(rows) == [claims[6].pk]

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Score from").fill("0.3")
    page.get_by_label("Score to").fill("0.5")
    page.get_by_role("button", name="Show claims").click()
    wanted = sorted((c for c in claims if 0.3 <= c.score <= 0.5), key=lambda c: (-c.score, -c.pk))
    expect(rows).to_have_count(len(wanted))
    assert shown(rows) == [c.pk for c in wanted]
    # A range the wrong way round is explained beside the field, and nothing is lost.
    page.get_by_label("Score from").fill("0.9")
    page.get_by_role("button", name="Show claims").click()
    expect(page.locator(".claims")).to_contain_text("“Score to” must not be below “Score from”.")
    expect(page.get_by_label("Score from")).to_have_value("0.9")
