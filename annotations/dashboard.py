"""A project's dashboard figures; charts.py draws them.

Every figure is one aggregate query. Over hundreds of thousands of annotations those take
longer than a page may, so the figures are stored (DashboardSnapshot) and refreshed by a
background job when stale; the page reads one row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import agreement, jobs
from .models import AuditEvent, ClaimStatus, DashboardSnapshot, Job, JobKind, Project


@dataclass
class ProgressBar:
    label: str
    count: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.count / self.total if self.total else 0.0


def progress(project: Project) -> list[ProgressBar]:
    """Claims extracted, annotated (all annotations in), in review and approved."""
    counts = dict(project.claims.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    annotated = sum(
        counts.get(status, 0)
        for status in (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED, ClaimStatus.REJECTED)
    )
    return [
        ProgressBar("Extracted", total, total),
        ProgressBar("Annotated", annotated, total),
        ProgressBar("In review", counts.get(ClaimStatus.IN_REVIEW, 0), total),
        ProgressBar("Approved", counts.get(ClaimStatus.APPROVED, 0), total),
    ]


def verdict_distribution(project: Project) -> list[tuple[str, int]]:
    """Approved claims per final verdict, in the scale's order (free-text verdicts by count)."""
    counts = dict(
        project.claims.filter(status=ClaimStatus.APPROVED)
        .values_list("final_verdict")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for label in project.rating_scale.labels.all():
        rows.append((label.label, counts.pop(label.key, 0)))
    rows.extend(sorted(counts.items(), key=lambda item: -item[1]))
    return rows


def throughput(project: Project, days: int = 14) -> dict[str, Any]:
    """Annotations submitted per day over the last `days` days, in total and per annotator.

    Counted from the audit trail's submissions rather than the annotations' current state:
    an annotation an editor later returned was still submitted that day, and a returned one
    submitted again counts on both days, as work done."""
    today = timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    since = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    rows = (
        AuditEvent.objects.filter(
            project=project, object_type="annotation", action="submit", created_at__gte=since
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day", "actor__username")
        .annotate(n=Count("id"))
        .order_by()
    )
    dates = [first + datetime.timedelta(days=i) for i in range(days)]
    per_annotator: dict[str, dict[datetime.date, int]] = {}
    totals = dict.fromkeys(dates, 0)
    for day, username, n in rows:
        counts = per_annotator.setdefault(username or "(deleted account)", dict.fromkeys(dates, 0))
        counts[day] += n
        totals[day] = totals.get(day, 0) + n
    return {
        "dates": dates,
        "totals": [(day, totals[day]) for day in dates],
        "annotators": [
            (username, [counts[day] for day in dates], sum(counts.values()))
            for username, counts in sorted(per_annotator.items())
        ],
    }


def agreement_over_time(project: Project, weeks: int = 8) -> list[dict[str, Any]]:
    """Verdict alpha per week (annotations submitted that week), the latest week last,
    from one query over the whole span."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    starts = [monday - datetime.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    bounds = [
        timezone.make_aware(datetime.datetime.combine(day, datetime.time())) for day in starts
    ]
    order = agreement.ordinal_keys(project)
    level = "ordinal" if order else "nominal"
    series = agreement.query_coincidence_series(
        project,
        "verdict",
        agreement.Period(since=bounds[0]),
        only=order or None,
        bucket_starts=bounds,
    )
    points = []
    for number, start in enumerate(starts):
        coincidences, n_claims = series.get(number, ({}, 0))
        points.append(
            {
                "week": start,
                "alpha": agreement.alpha_for(coincidences, level, order or None),
                "n_claims": n_claims,
            }
        )
    return points


def compute_figures(project: Project) -> dict[str, Any]:
    """Every figure of the dashboard, JSON-safe (the API, the stored snapshot)."""
    daily = throughput(project)
    return {
        "progress": [
            {"label": bar.label, "count": bar.count, "total": bar.total, "percent": bar.percent}
            for bar in progress(project)
        ],
        "verdicts": [{"verdict": label, "count": n} for label, n in verdict_distribution(project)],
        "throughput": {
            "dates": [day.isoformat() for day in daily["dates"]],
            "totals": [n for _, n in daily["totals"]],
            "annotators": [
                {"annotator": name, "per_day": per_day, "total": total}
                for name, per_day, total in daily["annotators"]
            ],
        },
        "agreement_over_time": [
            {
                "week": point["week"].isoformat(),
                "verdict_alpha": point["alpha"],
                "n_claims": point["n_claims"],
            }
            for point in agreement_over_time(project)
        ],
    }


# Figures older than this are served, and a refresh is queued.
MAX_AGE = datetime.timedelta(minutes=5)


def store_snapshot(project: Project, figures: dict) -> DashboardSnapshot:
    snapshot, _ = DashboardSnapshot.objects.update_or_create(
        project=project, defaults={"figures": figures, "computed_at": timezone.now()}
    )
    return snapshot


def refresh_snapshot(project: Project) -> DashboardSnapshot:
    """Recompute the project's figures and store them."""
    return store_snapshot(project, compute_figures(project))


def run_refresh(project: Project, job: Job) -> None:
    """The refresh job: the figures are computed outside any transaction (they take a
    while), then stored with the job's outcome."""
    figures = compute_figures(project)
    with jobs.finishing(job):
        store_snapshot(project, figures)


def current_snapshot(project: Project, *, refresh: bool = False) -> DashboardSnapshot:
    """The stored figures: computed now if there are none yet, otherwise served as they
    are while a refresh is queued when they are stale (or asked for)."""
    snapshot = DashboardSnapshot.objects.filter(project=project).first()
    if snapshot is None:
        return refresh_snapshot(project)
    if refresh or timezone.now() - snapshot.computed_at > MAX_AGE:
        jobs.queue_dashboard(project)
    return snapshot


def refresh_job(project: Project) -> Job | None:
    """The project's latest dashboard refresh, for the page to say where it stands."""
    return project.jobs.filter(kind=JobKind.DASHBOARD).first()
