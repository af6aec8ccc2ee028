"""Agreement between annotators: Krippendorff's alpha, Cohen's kappa and raw agreement.

The first half is pure arithmetic on numpy arrays (Krippendorff, "Computing Krippendorff's
Alpha-Reliability", 2011): reliability data become a coincidence matrix, which gives alpha
for any metric; missing values simply make a unit smaller, and units with fewer than two
values are not pairable and drop out. The second half is the query layer: the database
counts values per claim and pairs of annotators, so only small matrices reach Python,
however many annotations the project holds."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from .errors import InvalidInput
from .models import Annotation, Claim, Project

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


def submitted_values_sql(
    project: Project,
    field_name: str,
    period: Period,
    only: Sequence[str] | None = None,
    bucket_starts: Sequence[datetime.datetime] = (),
) -> tuple[str, list[Any]]:
    """SQL for (bucket, unit, coder, value) rows: the project's submitted annotations in
    the period that give a value for the field (a CTE body for the queries below).

    `bucket` numbers the time slices that start at `bucket_starts` (latest match wins),
    so one scan can serve a whole series; without slices it is 0."""
    assert field_name in ("verdict", "stance")
    annotation, claim = Annotation._meta.db_table, Claim._meta.db_table
    params: list[Any] = []
    bucket = "0"
    if bucket_starts:
        whens = []
        for number in range(len(bucket_starts) - 1, -1, -1):
            whens.append(f"WHEN a.submitted_at >= %s THEN {number}")
            params.append(bucket_starts[number])
        bucket = f"CASE {' '.join(whens)} ELSE -1 END"
    sql = (
        f"SELECT {bucket} AS bucket, a.claim_id AS unit, a.annotator_id AS coder, "
        f"a.{field_name} AS value "
        f"FROM {annotation} a JOIN {claim} c ON c.id = a.claim_id "
        f"WHERE c.project_id = %s AND a.state = 'submitted' AND a.{field_name} <> ''"
    )
    params.append(project.pk)
    if period.since:
        sql += " AND a.submitted_at >= %s"
        params.append(period.since)
    if period.until:
        sql += " AND a.submitted_at < %s"
        params.append(period.until)
    if only is not None:
        if not only:
            sql += " AND 1 = 0"
        else:
            sql += f" AND a.{field_name} IN ({', '.join(['%s'] * len(only))})"
            params.extend(only)
    return sql, params


def fetch_rows(sql: str, params: list[Any]) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The CTEs below mislead the planner's row estimates into JIT-compiling the
            # query, which costs half a second, several times the query itself; and their
            # per-claim groups outgrow the default work_mem, spilling sorts to disk.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def query_coincidence_series(
    project: Project,
    field_name: str,
    period: Period,
    only: Sequence[str] | None = None,
    bucket_starts: Sequence[datetime.datetime] = (),
) -> dict[int, tuple[dict[tuple[str, str], float], int]]:
    """For each time slice: the coincidence counts {(value, value): o} and the number of
    pairable claims, computed by the database in one query. A claim whose annotations
    fall in different slices is a separate unit in each."""
    base, params = submitted_values_sql(project, field_name, period, only, bucket_starts)
    sql = f"""
        WITH sub AS ({base}),
        counts AS (
            SELECT bucket, unit, value, COUNT(*) AS n FROM sub GROUP BY bucket, unit, value
        ),
        sizes AS (
            SELECT bucket, unit, SUM(n) AS m FROM counts GROUP BY bucket, unit HAVING SUM(n) > 1
        ),
        paired AS (
            SELECT c.bucket, c.unit, c.value, c.n, s.m
            FROM counts c JOIN sizes s ON s.bucket = c.bucket AND s.unit = c.unit
        ),
        pairable AS (SELECT bucket, COUNT(*) AS units FROM sizes GROUP BY bucket)
        SELECT p1.bucket, p1.value, p2.value,
               SUM(p1.n * (p2.n - CASE WHEN p1.value = p2.value THEN 1 ELSE 0 END) * 1.0
                   / (p1.m - 1)),
               MAX(q.units)
        FROM paired p1
        JOIN paired p2 ON p2.bucket = p1.bucket AND p2.unit = p1.unit
        JOIN pairable q ON q.bucket = p1.bucket
        GROUP BY p1.bucket, p1.value, p2.value
    """
    series: dict[int, tuple[dict[tuple[str, str], float], int]] = {}
    for bucket, a, b, o, units in fetch_rows(sql, params):
        coincidences, _ = series.setdefault(int(bucket), ({}, int(units)))
        coincidences[(a, b)] = float(o)
    return series


def query_coincidences(
    project: Project, field_name: str, period: Period, only: Sequence[str] | None = None
) -> tuple[dict[tuple[str, str], float], int]:
    """The coincidence counts {(value, value): o} over the period and the number of
    pairable claims."""
    return query_coincidence_series(project, field_name, period, only).get(0, ({}, 0))


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


def query_pair_tables(
    project: Project, field_name: str, period: Period
) -> dict[tuple[int, int], dict[tuple[str, str], int]]:
    """For every two annotators who gave the field on the same claims: how often each
    combination of values occurred, {(coder, coder): {(value, value): n}}."""
    base, params = submitted_values_sql(project, field_name, period)
    sql = f"""
        WITH sub AS ({base})
        SELECT s1.coder, s2.coder, s1.value, s2.value, COUNT(*)
        FROM sub s1 JOIN sub s2 ON s2.unit = s1.unit AND s1.coder < s2.coder
        GROUP BY s1.coder, s2.coder, s1.value, s2.value
    """
    rows = fetch_rows(sql, params)
    tables: dict[tuple[int, int], dict[tuple[str, str], int]] = defaultdict(dict)
    for first, second, a, b, n in rows:
        tables[(first, second)][(a, b)] = int(n)
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


def verdict_alpha(project: Project, period: Period) -> tuple[float | None, int, str]:
    """Alpha on verdicts: ordinal over the scale's ranked labels, nominal for free text."""
    order = ordinal_keys(project)
    if order:
        coincidences, n_claims = query_coincidences(project, "verdict", period, only=order)
        return alpha_for(coincidences, "ordinal", order), n_claims, "ordinal"
    coincidences, n_claims = query_coincidences(project, "verdict", period)
    return alpha_for(coincidences, "nominal"), n_claims, "nominal"


def project_agreement(project: Project, period: Period | None = None) -> Agreement:
    """Every agreement figure of a project over a period (all time by default).

    Percent agreement and kappa are on verdicts; the pairs and the per-annotator figures
    count the claims two annotators both gave a verdict for."""
    period = period or Period()
    v_alpha, n_claims, level = verdict_alpha(project, period)
    stance_coincidences, _ = query_coincidences(project, "stance", period)
    tables = query_pair_tables(project, "verdict", period)
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
