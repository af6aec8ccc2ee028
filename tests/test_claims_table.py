"""The project page's claims table: filters, orders and keyset pages."""

import pytest

from annotations.claim_list import SORTS, ClaimFilters, claim_page
from annotations.models import Claim

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(project):
    """30 claims over 3 documents, with varied scores (two share one, two have none)."""
    made = []
    for d in range(3):
        document = DocumentFactory(project=project, title=f"Article {d}")
        for n in range(10):
            score = None if (d, n) in ((0, 0), (2, 5)) else round(((n * 7 + d * 3) % 10) / 10, 1)
            made.append(ClaimFactory(document=document, score=score, speaker=f"Speaker {n % 3}"))
    return made


def walk(project, sort, filters=None, size=7):
    """Every claim, page by page forward, then the same pages backward."""
    filters = filters or ClaimFilters()
    pages, after = [], ""
    while True:
        page = claim_page(project, filters, sort_name=sort, after=after, size=size)
        pages.append([claim.pk for claim in page.claims])
        if not page.next_cursor:
            break
        after = page.next_cursor
    backward, before = [], page.previous_cursor
    while before:
        page = claim_page(project, filters, sort_name=sort, before=before, size=size)
        backward.insert(0, [claim.pk for claim in page.claims])
        before = page.previous_cursor
    return pages, backward


@pytest.mark.parametrize("sort", list(SORTS))
def test_pages_cover_every_claim_once_in_order_both_ways(project, claims, sort):
    pages, backward = walk(project, sort)
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(claim.pk for claim in claims)
    assert backward == pages[:-1]
    rows = {c.pk: c for c in Claim.objects.filter(project=project)}
    if sort == "score":
        scored = [pk for pk in seen if rows[pk].score is not None]
        assert seen[: len(scored)] == scored  # claims without a score come last
        keys = [(rows[pk].score, pk) for pk in scored]
        assert keys == sorted(keys, reverse=True)
    if sort == "document":
        keys = [(rows[pk].document_id, rows[pk].start, pk) for pk in seen]
        assert keys == sorted(keys)


def test_filters_narrow_the_table(project, claims, annotator):
    AnnotationFactory(claim=claims[4], annotator=annotator)
    Claim.objects.filter(pk=claims[3].pk).update(
        status="approved", final_verdict="false", claim_types=["statistic", "quote"]
    )

    def ids(**filters):
        return [c.pk for c in claim_page(project, ClaimFilters(**filters), size=50).claims]

    assert ids(status="approved") == [claims[3].pk]
    assert ids(verdict="false") == [claims[3].pk]
    assert len(ids(verdict="none")) == 29
    assert ids(claim_type="quote") == [claims[3].pk]
    assert ids(annotator=annotator) == [claims[4].pk]
    assert len(ids(speaker="speaker 1")) == 9
    assert len(ids(document=claims[12].document_id)) == 10
    assert all(
        0.5 <= c.score <= 0.6
        for c in Claim.objects.filter(pk__in=ids(min_score=0.5, max_score=0.6))
    )
    assert len(ids(q="COUNCIL voted")) == 30
    assert ids(q="no such words") == []


def test_the_count_stops_at_the_limit(project, claims, monkeypatch):
    monkeypatch.setattr("annotations.claim_list.COUNT_LIMIT", 20)
    page = claim_page(project, ClaimFilters())
    assert (page.count, page.more) == (20, True)
    page = claim_page(project, ClaimFilters(document=claims[0].document_id))
    assert (page.count, page.more) == (10, False)


def test_a_page_costs_the_same_queries_first_and_deep(client, project, claims, annotator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(annotator)
    with CaptureQueriesContext(connection) as first:
        response = client.get(f"/projects/{project.slug}/", {"sort": "document"})
    deep = response.context["page"].next_cursor
    with CaptureQueriesContext(connection) as later:
        response = client.get(f"/projects/{project.slug}/", {"sort": "document", "after": deep})
    assert response.status_code == 200 and len(response.context["page"].claims) == 5
    assert len(first) == len(later) <= 20


def test_a_bad_filter_is_explained_and_the_table_shown(client, project, claims, annotator):
    client.force_login(annotator)
    response = client.get(f"/projects/{project.slug}/", {"min_score": "high", "after": "x!"})
    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()
    assert len(response.context["page"].claims) == 25


def test_annotators_see_only_their_own_work_in_the_table(
    client, project, claims, annotator, second_annotator
):
    AnnotationFactory(claim=claims[0], annotator=second_annotator)
    client.force_login(annotator)
    response = client.get(f"/projects/{project.slug}/", {"document": claims[0].document_id})
    assert "bruno" not in response.content.decode()
    assert response.context["filter_form"].fields["annotator"].choices == [
        ("", "Anyone"),
        ("alice", "Me"),
    ]
