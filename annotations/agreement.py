"""Agreement between annotators: Krippendorff's alpha, Cohen's kappa and raw agreement.

The first half is pure arithmetic on numpy arrays (Krippendorff, "Computing Krippendorff's
Alpha-Reliability", 2011): reliability data become a coincidence matrix, which gives alpha
for any metric; missing values simply make a unit smaller, and units with fewer than two
values are not pairable and drop out. The second half is the query layer: one scan of the
project's submitted annotations brings them over as arrays of integers (claim, annotator,
verdict, stance), and numpy counts the coincidences and the pairs of annotators: a whole
100,000-claim project in a fraction of a second."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from .errors import InvalidInput
from .models import Project

LEVELS = ("nominal", "ordinal", "interval")


# Pure functions.


def coincidences_from_counts(
    counts: Iterable[tuple[Hashable, Hashable, int]], values: Sequence[Hashable]
) -> np.ndarray:
    """The coincidence matrix from (unit, value, how many coders gave it) rows.

    Each pairable unit (two values or more) adds every ordered pair of its values from
    different coders, weighted 1/(m_u - 1) so each unit counts m_u times in total."""
    index = {value: i for i, value in enumerate(values)}
    per_unit: dict[Hashable, np.ndarray] = {}
    for unit, value, n in counts:
        if value not in index:
            continue
        row = per_unit.setdefault(unit, np.zeros(len(values)))
        row[index[value]] += n
    matrix = np.zeros((len(values), len(values)))
    for n_u in per_unit.values():
        m_u = n_u.sum()
        if m_u < 2:
            continue
        matrix += (np.outer(n_u, n_u) - np.diag(n_u)) / (m_u - 1)
    return matrix


def coincidence_matrix(
    units: Iterable[Iterable[Hashable | None]], values: Sequence[Hashable]
) -> np.ndarray:
    """The coincidence matrix of reliability data given unit by unit: each unit is the
    list of values its coders gave, None where a coder gave none."""
    counts = []
    for unit, unit_values in enumerate(units):
        for value in unit_values:
            if value is not None:
                counts.append((unit, value, 1))
    return coincidences_from_counts(counts, values)


def distances(level: str, n_c: np.ndarray, numeric: Sequence[float] | None = None) -> np.ndarray:
    """The squared difference function delta^2 between every two values.

    ordinal: values are in rank order and the distance between two ranks is the number of
    pairable values between them (Krippendorff's rank-based metric); interval: squared
    difference of the numeric values."""
    k = len(n_c)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        cumulative = np.cumsum(n_c)
        delta = np.zeros((k, k))
        for c in range(k):
            for d in range(c + 1, k):
                between = cumulative[d] - cumulative[c] + n_c[c]
                delta[c, d] = delta[d, c] = (between - (n_c[c] + n_c[d]) / 2) ** 2
        return delta
    if level == "interval":
        points = np.asarray(numeric if numeric is not None else range(k), dtype=float)
        return np.subtract.outer(points, points) ** 2
    raise ValueError(f"Unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}.")


def alpha_from_coincidences(
    matrix: np.ndarray, level: str = "nominal", numeric: Sequence[float] | None = None
) -> float | None:
    """Krippendorff's alpha from a coincidence matrix whose rows are in value order.

    None when alpha is undefined: fewer than two pairable values, or no variation at all
    (every value the same, so no disagreement can be expected)."""
    n_c = matrix.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return None
    delta = distances(level, n_c, numeric)
    expected = (np.outer(n_c, n_c) * delta).sum()
    if expected == 0:
        return None
    observed = (matrix * delta).sum()
    return float(1.0 - (n - 1) * observed / expected)


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[Any]],
    level: str = "nominal",
    value_domain: Sequence[Hashable] | None = None,
) -> float | None:
    """Alpha of coders x units data (rows are coders, None or nan where missing), the
    layout of the `krippendorff` package. `value_domain` orders the values for ordinal
    data; by default they are sorted."""

    def present(value: Any) -> bool:
        return value is not None and not (isinstance(value, float) and np.isnan(value))

    units = list(zip(*reliability_data, strict=True))
    if value_domain is None:
        value_domain = sorted({v for unit in units for v in unit if present(v)})
    matrix = coincidence_matrix(
        ([v if present(v) else None for v in unit] for unit in units), value_domain
    )
    numeric = value_domain if level == "interval" else None
    return alpha_from_coincidences(matrix, level, numeric)


def cohen_kappa(table: np.ndarray) -> float | None:
    """Cohen's kappa of two annotators from their contingency table (rows: the first
    annotator's values, columns: the second's, in the same order). None when chance
    agreement is already total."""
    total = table.sum()
    if total == 0:
        return None
    observed = np.trace(table) / total
    expected = float((table.sum(axis=1) * table.sum(axis=0)).sum()) / total**2
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def percent_agreement(agreeing_pairs: int, pairs: int) -> float | None:
    """Share of pairs of annotations on the same claim that give the same value."""
    return agreeing_pairs / pairs if pairs else None


# The query layer.


@dataclass
class Period:
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


def parse_period(since: str | None, until: str | None) -> Period:
    """A period from two dates (YYYY-MM-DD, both optional, `until` inclusive)."""

    def parse(text: str | None, name: str) -> datetime.date | None:
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{text!r} is not a date; use YYYY-MM-DD.", field=name) from None

    start, end = parse(since, "since"), parse(until, "until")
    if start and end and end < start:
        raise InvalidInput("The period ends before it starts.", field="until")

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    return Period(
        since=midnight(start) if start else None,
        until=midnight(end + datetime.timedelta(days=1)) if end else None,
    )


def ordinal_keys(project: Project) -> list[str]:
    """The project's verdict keys in rank order, for ordinal alpha; empty for a free-text
    scale. Labels without an ordinal value are left out of ordinal agreement."""
    labels = [label for label in project.rating_scale.labels.all() if label.ordinal is not None]
    return [label.key for label in sorted(labels, key=lambda label: label.ordinal)]


@dataclass
class Submitted:
    """A project's submitted annotations over a period, as parallel arrays with one entry
    per annotation: the time slice it falls in (`bucket`), its claim (`unit`, numbered from
    0), its annotator (`coder`, an index into the user ids `coders`), and its verdict and
    stance as indexes into `verdicts` and `stances` (the values that occur, "" among them)."""

    bucket: np.ndarray
    unit: np.ndarray
    coder: np.ndarray
    coders: np.ndarray
    verdict: np.ndarray
    stance: np.ndarray
    verdicts: list[str]
    stances: list[str]


# The JSON aggregate of each backend: the annotations come back as one JSON array per
# column, which costs a fraction of one tuple per row.
JSON_AGGREGATE = {"postgresql": "json_agg", "sqlite": "json_group_array"}


def fetch_submitted(
    project: Project, period: Period, bucket_starts: Sequence[datetime.datetime] = ()
) -> Submitted:
    """The project's submitted annotations in the period, in one scan. `bucket` numbers the
    time slices that start at `bucket_starts` (the latest that applies; -1 before the
    first), so one scan serves a whole series; without slices it is 0."""
    params: list[Any] = []
    bucket = "0"
    if bucket_starts:
        whens = []
        for number in range(len(bucket_starts) - 1, -1, -1):
            whens.append(f"WHEN a.submitted_at >= %s THEN {number}")
            params.append(bucket_starts[number])
        bucket = f"CASE {' '.join(whens)} ELSE -1 END"
    where = "c.project_id = %s AND a.state = 'submitted'"
    params.append(project.pk)
    if period.since:
        where += " AND a.submitted_at >= %s"
        params.append(period.since)
    if period.until:
        where += " AND a.submitted_at < %s"
        params.append(period.until)
    columns = (bucket, "a.claim_id", "a.annotator_id", "a.verdict", "a.stance")
    aggregate = JSON_AGGREGATE[connection.vendor]
    sql = (
        f"SELECT {', '.join(f'CAST({aggregate}({column}) AS TEXT)' for column in columns)}"
        " FROM annotations_annotation a JOIN annotations_claim c ON c.id = a.claim_id"
        f" WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    buckets, units, coders, verdicts, stances = (orjson.loads(value or "[]") for value in row)
    # Claims, annotators and values numbered 0, 1, 2...: counting becomes bincounts.
    _, unit = np.unique(np.array(units, dtype=np.int64), return_inverse=True)
    coder_ids, coder = np.unique(np.array(coders, dtype=np.int64), return_inverse=True)
    verdict_values, stance_values = sorted(set(verdicts)), sorted(set(stances))
    return Submitted(
        bucket=np.array(buckets, dtype=np.int64),
        unit=unit,
        coder=coder,
        coders=coder_ids,
        verdict=numbered(verdicts, verdict_values),
        stance=numbered(stances, stance_values),
        verdicts=verdict_values,
        stances=stance_values,
    )


def numbered(values: list[str], domain: list[str]) -> np.ndarray:
    index = {value: i for i, value in enumerate(domain)}
    return np.array([index[value] for value in values], dtype=np.int64)


def coincidences_of(units: np.ndarray, values: np.ndarray, n_values: int) -> tuple[np.ndarray, int]:
    """The coincidence matrix and the number of pairable units, from one value per
    annotation: `units` are numbered from 0, `values` are indexes into the value domain,
    -1 where there is none.

    With n_uc the number of times unit u got value c and m_u its number of values,
    o_ck = sum over pairable units of (n_uc n_uk - [c = k] n_uc) / (m_u - 1)."""
    given = values >= 0
    if not given.any():
        return np.zeros((n_values, n_values)), 0
    counts = np.bincount(
        units[given] * n_values + values[given], minlength=(units.max() + 1) * n_values
    ).reshape(-1, n_values)
    sizes = counts.sum(axis=1)
    counts, sizes = counts[sizes > 1], sizes[sizes > 1]
    weighted = counts / (sizes - 1)[:, None]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0)), len(sizes)


def recode(codes: np.ndarray, values: Sequence[str], domain: Sequence[str]) -> np.ndarray:
    """Codes into `values` turned into indexes into `domain` (-1 for values not in it)."""
    index = {value: i for i, value in enumerate(domain)}
    mapping = np.array([index.get(value, -1) for value in values] + [-1], dtype=np.int64)
    return mapping[codes]


def field_codes(
    submitted: Submitted, field_name: str, only: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Each annotation's value of the field as an index into a domain (-1 where it gives
    none, or one outside the domain), and that domain: the `only` values in their order,
    by default every value given."""
    assert field_name in ("verdict", "stance")
    codes, values = (
        (submitted.verdict, submitted.verdicts)
        if field_name == "verdict"
        else (submitted.stance, submitted.stances)
    )
    domain = list(only) if only is not None else [value for value in values if value]
    return recode(codes, values, domain), domain


def query_coincidence_series(
    project: Project,
    field_name: str,
    period: Period,
    only: Sequence[str] | None = None,
    bucket_starts: Sequence[datetime.datetime] = (),
    submitted: Submitted | None = None,
) -> dict[int, tuple[dict[tuple[str, str], float], int]]:
    """For each time slice: the coincidence counts {(value, value): o} and the number of
    pairable claims. A claim whose annotations fall in different slices is a separate unit
    in each."""
    if submitted is None:
        submitted = fetch_submitted(project, period, bucket_starts)
    values, domain = field_codes(submitted, field_name, only)
    series = {}
    for bucket in np.unique(submitted.bucket):
        rows = submitted.bucket == bucket
        matrix, units = coincidences_of(submitted.unit[rows], values[rows], len(domain))
        if units:
            series[int(bucket)] = (
                {
                    (domain[a], domain[b]): float(matrix[a, b])
                    for a, b in zip(*np.nonzero(matrix), strict=True)
                },
                units,
            )
    return series


def query_coincidences(
    project: Project,
    field_name: str,
    period: Period,
    only: Sequence[str] | None = None,
    submitted: Submitted | None = None,
) -> tuple[dict[tuple[str, str], float], int]:
    """The coincidence counts {(value, value): o} over the period and the number of
    pairable claims."""
    series = query_coincidence_series(project, field_name, period, only, submitted=submitted)
    return series.get(0, ({}, 0))


def alpha_for(
    coincidences: dict[tuple[str, str], float], level: str, order: Sequence[str] | None = None
) -> float | None:
    values = list(order) if order is not None else sorted({a for a, _ in coincidences})
    index = {value: i for i, value in enumerate(values)}
    matrix = np.zeros((len(values), len(values)))
    for (a, b), o in coincidences.items():
        if a in index and b in index:
            matrix[index[a], index[b]] = o
    return alpha_from_coincidences(matrix, level)


def pair_tables(submitted: Submitted) -> dict[tuple[int, int], dict[tuple[str, str], int]]:
    """For every two annotators who gave a verdict on the same claims: how often each
    combination of verdicts occurred, {(coder, coder): {(verdict, verdict): n}}."""
    verdict, domain = field_codes(submitted, "verdict")
    given = verdict >= 0
    unit, coder, verdict = submitted.unit[given], submitted.coder[given], verdict[given]
    # Sorted by claim then annotator, a claim's annotations are neighbours: pairing each
    # with the ones 1, 2, ... places further on gives every pair once, lower annotator first.
    order = np.lexsort((coder, unit))
    unit, coder, verdict = unit[order], coder[order], verdict[order]
    pairs = []
    for step in range(1, len(unit)):
        same = unit[:-step] == unit[step:]
        if not same.any():
            break
        pairs.append(
            np.stack([coder[:-step], coder[step:], verdict[:-step], verdict[step:]])[:, same]
        )
    tables: dict[tuple[int, int], dict[tuple[str, str], int]] = defaultdict(dict)
    if not pairs:
        return tables
    first, second, a, b = np.concatenate(pairs, axis=1)
    # One integer per combination, counted in one sort.
    n_coders, n_values = len(submitted.coders), len(domain)
    keys = ((first * n_coders + second) * n_values + a) * n_values + b
    combinations, counts = np.unique(keys, return_counts=True)
    for key, n in zip(combinations.tolist(), counts.tolist(), strict=True):
        key, b = divmod(key, n_values)
        key, a = divmod(key, n_values)
        first, second = divmod(key, n_coders)
        coders = (int(submitted.coders[first]), int(submitted.coders[second]))
        tables[coders][(domain[a], domain[b])] = n
    return tables


def kappa_of(table: dict[tuple[str, str], int]) -> float | None:
    values = sorted({v for pair in table for v in pair})
    index = {value: i for i, value in enumerate(values)}
    matrix = np.zeros((len(values), len(values)))
    for (a, b), n in table.items():
        matrix[index[a], index[b]] = n
    return cohen_kappa(matrix)


@dataclass
class Agreement:
    verdict_alpha: float | None
    stance_alpha: float | None
    percent_agreement: float | None
    n_claims: int
    verdict_level: str
    pairs: list[dict[str, Any]] = field(default_factory=list)
    annotators: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict_alpha": self.verdict_alpha,
            "stance_alpha": self.stance_alpha,
            "percent_agreement": self.percent_agreement,
            "n_claims": self.n_claims,
            "verdict_level": self.verdict_level,
            "pairs": self.pairs,
            "annotators": self.annotators,
        }


def verdict_alpha(
    project: Project, period: Period, submitted: Submitted | None = None
) -> tuple[float | None, int, str]:
    """Alpha on verdicts: ordinal over the scale's ranked labels, nominal for free text."""
    order = ordinal_keys(project)
    if order:
        coincidences, n_claims = query_coincidences(project, "verdict", period, order, submitted)
        return alpha_for(coincidences, "ordinal", order), n_claims, "ordinal"
    coincidences, n_claims = query_coincidences(project, "verdict", period, None, submitted)
    return alpha_for(coincidences, "nominal"), n_claims, "nominal"


def project_agreement(project: Project, period: Period | None = None) -> Agreement:
    """Every agreement figure of a project over a period (all time by default), from one
    scan of its submitted annotations.

    Percent agreement and kappa are on verdicts; the pairs and the per-annotator figures
    count the claims two annotators both gave a verdict for."""
    period = period or Period()
    submitted = fetch_submitted(project, period)
    v_alpha, n_claims, level = verdict_alpha(project, period, submitted)
    stance_coincidences, _ = query_coincidences(project, "stance", period, None, submitted)
    tables = pair_tables(submitted)
    names = dict(
        get_user_model()
        .objects.filter(pk__in={coder for pair in tables for coder in pair})
        .values_list("pk", "username")
    )
    pairs, agreeing_total, pairs_total = [], 0, 0
    per_coder: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (first, second), table in sorted(tables.items()):
        n = sum(table.values())
        agreeing = sum(count for (a, b), count in table.items() if a == b)
        agreeing_total += agreeing
        pairs_total += n
        for coder in (first, second):
            per_coder[coder][0] += agreeing
            per_coder[coder][1] += n
        pairs.append(
            {
                "annotators": [names.get(first), names.get(second)],
                "kappa": kappa_of(table),
                "percent_agreement": agreeing / n,
                "n": n,
            }
        )
    annotators = [
        {
            "annotator": names.get(coder),
            "percent_agreement": percent_agreement(agreeing, n),
            "n": n,
        }
        for coder, (agreeing, n) in sorted(per_coder.items(), key=lambda item: names.get(item[0]))
    ]
    return Agreement(
        verdict_alpha=v_alpha,
        stance_alpha=alpha_for(stance_coincidences, "nominal"),
        percent_agreement=percent_agreement(agreeing_total, pairs_total),
        n_claims=n_claims,
        verdict_level=level,
        pairs=pairs,
        annotators=annotators,
    )
