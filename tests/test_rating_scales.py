"""Changing a project's rating scale keeps every verdict already given, or refuses."""

import pytest

from annotations.errors import InvalidInput
from annotations.models import Annotation, AuditEvent, Claim, Review
from annotations.review import review_claim
from annotations.scales import NeedsMapping, save_scale, verdicts_in_use

from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory
from .support.reviewing import claim_in_review

pytestmark = pytest.mark.django_db

LABELS = [
    {"key": "true", "label": "True", "ordinal": 1, "fever_label": "SUPPORTS"},
    {"key": "false", "label": "False", "ordinal": 0, "fever_label": "REFUTES"},
]


def test_the_api_refuses_to_switch_the_scale_under_verdicts(api, project, admin):
    AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(project=project)), verdict="mostly_true"
    )
    response = api(admin).patch(
        f"/api/projects/{project.slug}/", {"rating_scale": "check"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "rating_scale"
    assert "mostly_true (1 use)" in body["detail"]
    project.refresh_from_db()
    assert project.rating_scale.key == "six-point"


def test_the_api_switches_freely_when_no_verdict_is_lost(api, project, admin):
    AnnotationFactory(claim=ClaimFactory(document=DocumentFactory(project=project)))
    response = api(admin).patch(
        f"/api/projects/{project.slug}/", {"rating_scale": "check"}, format="json"
    )  # "false" is on both scales
    assert response.status_code == 200


def test_a_mapping_rewrites_every_stored_verdict(
    project, admin, annotator, second_annotator, editor
):
    project.annotations_per_claim = 2
    project.save()
    claim = claim_in_review(project, (annotator, "mostly_true"), (second_annotator, "true"))
    assert Claim.objects.get(pk=claim.pk).disagreement
    other = claim_in_review(
        project, (annotator, "mostly_false"), (second_annotator, "mostly_false")
    )
    review_claim(other, editor, action="approve")
    assert verdicts_in_use(project) == {"mostly_false": 4, "mostly_true": 1, "true": 1}
    with pytest.raises(NeedsMapping) as refused:
        save_scale(project, admin, name="Binary", labels=LABELS, mapping={"mostly_true": "true"})
    assert refused.value.missing == {"mostly_false": 4}

    save_scale(
        project,
        admin,
        name="Binary",
        labels=LABELS,
        mapping={"mostly_true": "true", "mostly_false": "false"},
    )
    assert set(Annotation.objects.values_list("verdict", flat=True)) == {"true", "false"}
    assert Claim.objects.get(pk=other.pk).final_verdict == "false"
    assert set(Review.objects.values_list("verdict", flat=True)) == {"false"}
    # The two annotators now agree on the first claim.
    assert not Claim.objects.get(pk=claim.pk).disagreement
    event = AuditEvent.objects.get(action="remap_verdicts")
    assert event.after["annotations"] == 3 and event.after["claims"] == 1


def test_free_text_cannot_take_verdicts_given_on_a_scale(project, admin):
    from annotations.models import RatingScale
    from annotations.projects import update_project

    AnnotationFactory(claim=ClaimFactory(document=DocumentFactory(project=project)))
    with pytest.raises(InvalidInput, match="cannot switch to free text"):
        update_project(project, admin, {"rating_scale": RatingScale.objects.get(key="free-text")})


def test_a_scale_needs_distinct_keys_and_ordinals(project, admin):
    with pytest.raises(InvalidInput, match="repeated: true"):
        save_scale(project, admin, name="x", labels=[LABELS[0], LABELS[0]])
    with pytest.raises(InvalidInput, match="same ordinal"):
        save_scale(project, admin, name="x", labels=[LABELS[0], {**LABELS[1], "ordinal": 1}])
    with pytest.raises(InvalidInput, match="at least one label"):
        save_scale(project, admin, name="x", labels=[])


def test_the_scale_page_is_for_admins(client, project, annotator, editor, stranger):
    for user, status in ((annotator, 403), (editor, 403), (stranger, 404)):
        client.force_login(user)
        assert client.get(f"/projects/{project.slug}/scale/").status_code == status
