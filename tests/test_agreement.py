"""Agreement arithmetic: hand-computed examples, Krippendorff's published example and the
`krippendorff` reference package, then the query layer on stored annotations."""

import math

import krippendorff
import numpy as np
import pytest
from django.utils import timezone
from sklearn.metrics import cohen_kappa_score

from annotations import agreement
from annotations.models import AnnotationState, Role

from .conftest import member
from .support.factories import AnnotationFactory, ClaimFactory, DocumentFactory

NAN = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# four coders, twelve units, values 1-5, with missing data.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_it_reproduces_the_published_example():
    assert agreement.krippendorff_alpha(KRIPPENDORFF_2011, "nominal") == pytest.approx(
        0.743, abs=5e-4
    )
    assert agreement.krippendorff_alpha(KRIPPENDORFF_2011, "ordinal") == pytest.approx(
        0.815, abs=5e-4
    )
    assert agreement.krippendorff_alpha(KRIPPENDORFF_2011, "interval") == pytest.approx(
        0.849, abs=5e-4
    )


def test_it_matches_a_hand_computed_alpha():
    # Units (a,a), (a,b), (b,b): o_aa = 2, o_ab = o_ba = 1, o_bb = 2; n_a = n_b = 3, n = 6.
    # alpha = 1 - (n - 1) * sum(o * delta) / sum(n_c * n_k * delta) = 1 - 5 * 2 / 18.
    data = [["a", "a", "b"], ["a", "b", "b"]]
    assert agreement.krippendorff_alpha(data) == pytest.approx(1 - 10 / 18)


def test_a_unit_with_one_value_is_not_pairable():
    with_lonely_unit = [["a", "a", "b", "a"], ["a", "b", "b", None]]
    assert agreement.krippendorff_alpha(with_lonely_unit) == pytest.approx(1 - 10 / 18)


def test_alpha_is_undefined_without_variation():
    assert agreement.krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
    assert agreement.krippendorff_alpha([["a", None], [None, "b"]]) is None


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
@pytest.mark.parametrize("seed", range(5))
def test_it_matches_the_reference_package_with_missing_data(level, seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 6, size=40)
    data = np.array(
        [np.clip(truth + rng.integers(-1, 2, size=40), 0, 5) for _ in range(4)], dtype=float
    )
    data[rng.random(data.shape) < 0.35] = np.nan
    expected = krippendorff.alpha(
        reliability_data=data, level_of_measurement=level, value_domain=list(range(6))
    )
    ours = agreement.krippendorff_alpha(data.tolist(), level, value_domain=list(range(6)))
    assert ours == pytest.approx(expected, abs=1e-9)


def test_it_matches_a_hand_computed_kappa():
    # Table [[1, 1], [0, 1]]: p_o = 2/3, p_e = (2*1 + 1*2) / 9 = 4/9, kappa = (2/9) / (5/9).
    assert agreement.cohen_kappa(np.array([[1, 1], [0, 1]])) == pytest.approx(0.4)


def test_kappa_matches_scikit_learn():
    rng = np.random.default_rng(7)
    first = rng.integers(0, 4, size=60)
    second = np.where(rng.random(60) < 0.6, first, rng.integers(0, 4, size=60))
    table = np.zeros((4, 4))
    for a, b in zip(first, second, strict=True):
        table[a, b] += 1
    assert agreement.cohen_kappa(table) == pytest.approx(cohen_kappa_score(first, second))


def test_kappa_is_undefined_when_chance_agreement_is_total():
    assert agreement.cohen_kappa(np.array([[3]])) is None


def test_it_rejects_a_bad_period():
    with pytest.raises(agreement.InvalidInput):
        agreement.parse_period("yesterday", None)
    with pytest.raises(agreement.InvalidInput):
        agreement.parse_period("2026-02-01", "2026-01-01")


# The query layer, on the six-point scale (pants_on_fire=0 ... true=5).

SIX_POINT = ["pants_on_fire", "false", "mostly_false", "half_true", "mostly_true", "true"]


def annotate_matrix(project, coders, matrix, stances=None, when=None):
    """Store annotations: matrix[coder][unit] is a verdict key or None."""
    document = DocumentFactory(project=project)
    claims = [ClaimFactory(document=document) for _ in matrix[0]]
    for c, (user, row) in enumerate(zip(coders, matrix, strict=True)):
        for u, verdict in enumerate(row):
            if verdict is None:
                continue
            AnnotationFactory(
                claim=claims[u],
                annotator=user,
                verdict=verdict,
                stance=stances[c][u] if stances else "refuted",
                state=AnnotationState.SUBMITTED,
                submitted_at=when or timezone.now(),
            )
    return claims


@pytest.mark.django_db
def test_the_query_layer_matches_the_reference_package(project):
    coders = [member(project, Role.ANNOTATOR) for _ in range(4)]
    matrix = [
        [None if math.isnan(v) else SIX_POINT[int(v)] for v in row] for row in KRIPPENDORFF_2011
    ]
    stances = [["supported" if (u + c) % 3 else "refuted" for u in range(12)] for c in range(4)]
    annotate_matrix(project, coders, matrix, stances)

    result = agreement.project_agreement(project)

    ranks = [[NAN if v is None else SIX_POINT.index(v) for v in row] for row in matrix]
    assert result.verdict_level == "ordinal"
    assert result.verdict_alpha == pytest.approx(
        krippendorff.alpha(
            reliability_data=ranks, level_of_measurement="ordinal", value_domain=list(range(6))
        )
    )
    stance_codes = [
        [
            NAN if matrix[c][u] is None else (1 if stances[c][u] == "supported" else 0)
            for u in range(12)
        ]
        for c in range(4)
    ]
    assert result.stance_alpha == pytest.approx(
        krippendorff.alpha(reliability_data=stance_codes, level_of_measurement="nominal")
    )
    assert result.n_claims == 11  # the last unit has one value only


@pytest.mark.django_db
def test_it_reports_pairs_and_percent_agreement(project):
    alice, bruno, chloe = (
        member(project, Role.ANNOTATOR, name) for name in ("alice", "bruno", "chloe")
    )
    annotate_matrix(
        project,
        [alice, bruno, chloe],
        [
            ["true", "false", "false", None],
            ["true", "true", "false", "true"],
            [None, None, "false", "true"],
        ],
    )
    result = agreement.project_agreement(project)
    pairs = {tuple(p["annotators"]): p for p in result.pairs}
    assert pairs[("alice", "bruno")]["n"] == 3
    assert pairs[("alice", "bruno")]["percent_agreement"] == pytest.approx(2 / 3)
    assert pairs[("alice", "bruno")]["kappa"] == pytest.approx(
        cohen_kappa_score(["true", "false", "false"], ["true", "true", "false"])
    )
    # Pairs of annotations on one claim: alice-bruno x3 (2 agree), alice-chloe x1 (agrees),
    # bruno-chloe x2 (both agree): 5 of 6.
    assert result.percent_agreement == pytest.approx(5 / 6)
    per_annotator = {row["annotator"]: row for row in result.annotators}
    assert per_annotator["alice"]["percent_agreement"] == pytest.approx(3 / 4)


@pytest.mark.django_db
def test_it_counts_only_the_chosen_period(project):
    alice, bruno = (member(project, Role.ANNOTATOR, name) for name in ("alice", "bruno"))
    long_ago = timezone.now() - timezone.timedelta(days=100)
    annotate_matrix(project, [alice, bruno], [["true", "true"], ["true", "true"]], when=long_ago)
    annotate_matrix(project, [alice, bruno], [["true", "false"], ["false", "true"]])
    today = timezone.localdate().isoformat()
    recent = agreement.project_agreement(project, agreement.parse_period(today, today))
    assert recent.n_claims == 2
    assert recent.percent_agreement == 0
    assert agreement.project_agreement(project).n_claims == 4
