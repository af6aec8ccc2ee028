from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.dashboard import refresh_snapshot
from annotations.models import DashboardSnapshot, Role

from .conftest import member
from .support.factories import ClaimFactory, DocumentFactory
from .support.reviewing import claim_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_project(project, annotator, second_annotator, editor):
    project.annotations_per_claim = 2
    project.save()
    ClaimFactory(document=DocumentFactory(project=project))
    claim_in_review(project, (annotator, "false"), (second_annotator, "false"))
    claim_in_review(project, (annotator, "true"), (second_annotator, "mostly_true"))
    approved = claim_in_review(project, (annotator, "false"), (second_annotator, "false"))
    from annotations.review import review_claim

    review_claim(approved, editor, action="approve")
    return project


def test_the_dashboard_api_reports_progress_verdicts_and_throughput(api, busy_project, editor):
    response = api(editor).get(f"/api/projects/{busy_project.slug}/dashboard/")
    assert response.status_code == 200
    body = response.json()
    progress = {row["label"]: (row["count"], row["total"]) for row in body["progress"]}
    assert progress == {
        "Extracted": (4, 4),
        "Annotated": (3, 4),
        "In review": (2, 4),
        "Approved": (1, 4),
    }
    verdicts = {row["verdict"]: row["count"] for row in body["verdicts"]}
    assert verdicts["False"] == 1 and verdicts["True"] == 0
    assert body["throughput"]["totals"][-1] == 6
    assert {row["annotator"]: row["total"] for row in body["throughput"]["annotators"]} == {
        "alice": 3,
        "bruno": 3,
    }
    this_week = body["agreement_over_time"][-1]
    assert this_week["n_claims"] == 3
    assert this_week["verdict_alpha"] is not None
    assert body["computed_at"]


def test_the_dashboard_page_draws_labelled_svg_charts(client, busy_project, editor):
    client.force_login(editor)
    response = client.get(f"/projects/{busy_project.slug}/dashboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") >= 6
    assert "3 of 4 (75%)" in body  # annotated, as text beside its bar
    assert 'fill="url(#pat-' in body  # patterns, not colour alone
    assert "Mostly true" in body


def test_computing_the_figures_costs_the_same_queries_for_more_data(
    busy_project, annotator, second_annotator
):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            refresh_snapshot(busy_project)
        return len(ctx.captured_queries)

    refresh_snapshot(busy_project)  # creating the row costs more than updating it
    before = count_queries()
    for verdict in ("true", "half_true", "pants_on_fire"):
        claim_in_review(busy_project, (annotator, "false"), (second_annotator, verdict))
    member(busy_project, Role.ANNOTATOR, "chloe")
    assert count_queries() == before


def test_the_page_reads_stored_figures_and_refreshes_them_when_stale(
    client, busy_project, editor, annotator, second_annotator, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    path = f"/projects/{busy_project.slug}/dashboard/"
    client.get(path)  # the first visit computes the figures
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    assert len(ctx.captured_queries) <= 6  # session, user, project, membership, snapshot

    claim_in_review(busy_project, (annotator, "true"), (second_annotator, "true"))
    DashboardSnapshot.objects.update(computed_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        body = client.get(path).content.decode()
    assert "being recomputed" in body
    assert len(callbacks) == 1
    snapshot = DashboardSnapshot.objects.get()
    assert busy_project.jobs.get(kind="dashboard").state == "done"
    assert snapshot.figures["progress"][0]["count"] == 5


def test_an_editor_asks_for_a_refresh(
    client, busy_project, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    client.get(f"/projects/{busy_project.slug}/dashboard/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/projects/{busy_project.slug}/dashboard/refresh/")
    assert response.status_code == 302
    assert len(callbacks) == 1


def test_the_agreement_api_has_the_documented_shape(api, busy_project, editor):
    response = api(editor).get(f"/api/projects/{busy_project.slug}/agreement/")
    assert response.status_code == 200
    body = response.json()
    assert {"verdict_alpha", "stance_alpha", "percent_agreement", "pairs", "n_claims"} <= set(body)
    assert body["n_claims"] == 3
    assert body["percent_agreement"] == pytest.approx(2 / 3)
    assert body["pairs"][0]["annotators"] == ["alice", "bruno"]
    assert body["pairs"][0]["n"] == 3
    assert body["stance_alpha"] is None  # every stance is the same: alpha is undefined


def test_the_agreement_api_takes_a_period(api, busy_project, editor):
    response = api(editor).get(
        f"/api/projects/{busy_project.slug}/agreement/",
        {"since": "2001-01-01", "until": "2001-12-31"},
    )
    assert response.json()["n_claims"] == 0
    response = api(editor).get(f"/api/projects/{busy_project.slug}/agreement/", {"since": "soon"})
    assert response.status_code == 400
    assert response.json()["field"] == "since"


def test_the_agreement_page_shows_pairs(client, busy_project, editor):
    client.force_login(editor)
    body = client.get(f"/projects/{busy_project.slug}/agreement/").content.decode()
    assert "alice and bruno" in body
    refused = client.get(f"/projects/{busy_project.slug}/agreement/", {"since": "x"})
    assert refused.status_code == 400
    assert "is not a date; use YYYY-MM-DD" in refused.content.decode()


@pytest.mark.parametrize("path", ["dashboard", "agreement"])
def test_annotators_get_403(api, client, project, annotator, path):
    assert api(annotator).get(f"/api/projects/{project.slug}/{path}/").status_code == 403
    client.force_login(annotator)
    assert client.get(f"/projects/{project.slug}/{path}/").status_code == 403


@pytest.mark.parametrize("path", ["dashboard", "agreement"])
def test_strangers_get_404(api, client, project, stranger, path):
    assert api(stranger).get(f"/api/projects/{project.slug}/{path}/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/projects/{project.slug}/{path}/").status_code == 404
    assert client.post(f"/projects/{project.slug}/dashboard/refresh/").status_code == 404


def test_annotators_cannot_ask_for_a_refresh(client, project, annotator):
    client.force_login(annotator)
    assert client.post(f"/projects/{project.slug}/dashboard/refresh/").status_code == 403
