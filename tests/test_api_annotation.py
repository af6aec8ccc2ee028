import pytest

from annotations.models import Annotation, AuditEvent, Source

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db

SOURCES = [
    {
        "url": "https://stats.example.org/jobs",
        "title": "Jobs report",
        "quote": "3.9%",
        "stance": "refutes",
    },
    {"url": "https://news.example.org/a", "stance": "supports"},
]


@pytest.fixture
def claim(project):
    return ClaimFactory(document=DocumentFactory(project=project))


def put(api, user, claim, **payload):
    return api(user).put(f"/api/claims/{claim.pk}/annotation/", payload, format="json")


def test_it_saves_a_draft_with_sources(api, claim, annotator):
    response = put(
        api, annotator, claim, stance="refuted", verdict="false", sources=SOURCES, version=0
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["version"] == 1
    assert [s["stance"] for s in body["sources"]] == ["refutes", "supports"]
    claim.refresh_from_db()
    assert claim.status == "in_progress"


def test_submitting_puts_the_claim_in_review(api, claim, annotator):
    response = put(
        api,
        annotator,
        claim,
        stance="refuted",
        verdict="false",
        rationale="Minutes",
        submit=True,
        version=0,
    )
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert AuditEvent.objects.filter(object_type="annotation", action="submit").exists()


def test_with_two_annotations_per_claim_review_waits_for_both(
    api, project, claim, annotator, second_annotator
):
    project.annotations_per_claim = 2
    project.save()
    put(api, annotator, claim, stance="refuted", verdict="false", submit=True, version=0)
    claim.refresh_from_db()
    assert claim.status == "in_progress"
    put(api, second_annotator, claim, stance="refuted", verdict="false", submit=True, version=0)
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_an_unknown_verdict_gets_400_listing_the_allowed_keys(api, claim, annotator):
    response = put(api, annotator, claim, stance="refuted", verdict="wrong", version=0)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "wrong" in detail
    assert "true, mostly_true, half_true, mostly_false, false, pants_on_fire" in detail
    assert not Annotation.objects.exists()


def test_an_unknown_stance_or_field_is_refused(api, claim, annotator):
    assert put(api, annotator, claim, stance="maybe", version=0).status_code == 400
    response = put(api, annotator, claim, stance="refuted", mood="sure", version=0)
    assert response.status_code == 400
    assert response.json()["field"] == "mood"


def test_submit_needs_stance_and_verdict(api, claim, annotator):
    response = put(api, annotator, claim, stance="refuted", submit=True, version=0)
    assert response.status_code == 400
    assert response.json()["field"] == "verdict"
    assert "needs a stance and a verdict" in response.json()["detail"]


def test_a_stale_version_gets_409_and_keeps_the_saved_annotation(api, claim, annotator):
    put(api, annotator, claim, stance="refuted", verdict="false", rationale="first", version=0)
    put(api, annotator, claim, stance="refuted", verdict="false", rationale="second", version=1)
    response = put(
        api, annotator, claim, stance="supported", verdict="true", rationale="stale", version=1
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert response.json()["current"]["rationale"] == "second"
    assert Annotation.objects.get().rationale == "second"


def test_a_bad_source_url_saves_nothing(api, claim, annotator):
    response = put(
        api,
        annotator,
        claim,
        stance="refuted",
        sources=[{"url": "not a url", "stance": "refutes"}],
        version=0,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "sources[0].url"
    assert "not a web address" in response.json()["detail"]
    assert not Annotation.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    "source, field, message",
    [
        ({"url": "https://a.example.org/", "title": "x" * 501}, "title", "longer than 500"),
        ({"url": "https://a.example.org/", "publisher": ["x"]}, "publisher", "must be text"),
        ({"url": "https://a.example.org/", "quote": None}, "quote", "must be text"),
        ({"url": "https://a.example.org/", "stance": ""}, "stance", "unknown stance"),
        ({"title": "No address"}, "url", "missing"),
        ({"url": "https://a.example.org/", "mood": "sure"}, "mood", "unknown field"),
    ],
)
def test_a_bad_source_is_named_with_why(api, claim, annotator, source, field, message):
    response = put(api, annotator, claim, sources=[SOURCES[1], source], version=0)
    assert response.status_code == 400
    assert response.json()["field"] == f"sources[1].{field}"
    assert message in response.json()["detail"]
    assert not Annotation.objects.exists()


def test_a_source_s_texts_are_trimmed(api, claim, annotator):
    source = {"url": " https://a.example.org/ ", "title": "  Minutes ", "quote": " 3.9% \n"}
    response = put(api, annotator, claim, sources=[source], version=0)
    assert response.status_code == 200
    saved = response.json()["sources"][0]
    assert (saved["url"], saved["title"], saved["quote"], saved["stance"]) == (
        "https://a.example.org/",
        "Minutes",
        "3.9%",
        "neutral",
    )


def test_i_read_back_my_own_annotation_only(api, claim, annotator, second_annotator):
    put(api, annotator, claim, stance="refuted", verdict="false", version=0)
    assert api(annotator).get(f"/api/claims/{claim.pk}/annotation/").json()["verdict"] == "false"
    assert api(second_annotator).get(f"/api/claims/{claim.pk}/annotation/").status_code == 404


def test_stranger_gets_404(api, claim, stranger):
    assert put(api, stranger, claim, stance="refuted", version=0).status_code == 404
