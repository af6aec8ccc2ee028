"""A project's dashboard figures, and the geometry of the SVG charts that show them.

Every figure is one aggregate query. Over hundreds of thousands of annotations those take
longer than a page may, so the figures are stored (DashboardSnapshot) and refreshed by a
background job when stale; the page reads one row. Charts carry their numbers as text and
tell series apart by pattern and label, never by colour alone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import agreement, jobs
from .models import AuditEvent, ClaimStatus, DashboardSnapshot, Job, JobKind, Project

# Patterns defined once in the dashboard template, cycled through by bar charts.
PATTERNS = ["solid", "hatch", "dots", "cross", "vertical", "horizontal"]


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


# Chart geometry: plain numbers the templates place into <svg> elements.

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, PLOT_WIDTH = 22, 8, 150, 420


def horizontal_bars(rows: list[tuple[str, int]]) -> dict[str, Any]:
    """Rows of a horizontal bar chart: label on the left, the bar, its count on the right."""
    top = max((value for _, value in rows), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        width = round(PLOT_WIDTH * value / top, 1)
        bars.append(
            {
                "label": label,
                "value": value,
                "y": y,
                "text_y": y + BAR_HEIGHT * 0.7,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
                "pattern": PATTERNS[i % len(PATTERNS)],
            }
        )
    return {
        "bars": bars,
        "bar_height": BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "width": LABEL_WIDTH + PLOT_WIDTH + 80,
        "height": max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
    }


COLUMN_PLOT_HEIGHT, COLUMN_WIDTH, COLUMN_GAP = 140, 34, 10


def columns(rows: list[tuple[str, int]]) -> dict[str, Any]:
    """A column chart (one column per day): the value above each column, the label below."""
    top = max((value for _, value in rows), default=0) or 1
    cols = []
    for i, (label, value) in enumerate(rows):
        height = round(COLUMN_PLOT_HEIGHT * value / top, 1)
        x = i * (COLUMN_WIDTH + COLUMN_GAP)
        cols.append(
            {
                "label": label,
                "value": value,
                "x": x,
                "center": x + COLUMN_WIDTH / 2,
                "y": 20 + COLUMN_PLOT_HEIGHT - height,
                "height": height,
                "value_y": 20 + COLUMN_PLOT_HEIGHT - height - 5,
            }
        )
    return {
        "columns": cols,
        "column_width": COLUMN_WIDTH,
        "baseline": 20 + COLUMN_PLOT_HEIGHT,
        "label_y": 20 + COLUMN_PLOT_HEIGHT + 16,
        "width": max(len(rows) * (COLUMN_WIDTH + COLUMN_GAP), COLUMN_WIDTH),
        "height": COLUMN_PLOT_HEIGHT + 44,
    }


LINE_PLOT_HEIGHT, LINE_STEP = 140, 70


def line(points: list[tuple[str, float | None]]) -> dict[str, Any]:
    """A line chart of alpha (-1..1, drawn from 0 to 1 with negatives on the floor): each
    point is a marked circle with its value written beside it; weeks without data are
    gaps, labelled "n/a"."""
    marks, segments, current = [], [], []
    for i, (label, value) in enumerate(points):
        x = 40 + i * LINE_STEP
        if value is None:
            marks.append({"x": x, "y": None, "label": label, "text": "n/a"})
            if current:
                segments.append(current)
            current = []
            continue
        y = 20 + LINE_PLOT_HEIGHT * (1 - max(0.0, min(1.0, value)))
        marks.append({"x": x, "y": round(y, 1), "label": label, "text": f"{value:.2f}"})
        current.append(f"{x},{y:.1f}")
    if current:
        segments.append(current)
    return {
        "marks": marks,
        "segments": [" ".join(segment) for segment in segments],
        "width": 40 + max(len(points), 1) * LINE_STEP,
        "height": LINE_PLOT_HEIGHT + 50,
        "baseline": 20 + LINE_PLOT_HEIGHT,
        "label_y": 20 + LINE_PLOT_HEIGHT + 18,
        "gridlines": [
            {"y": 20 + LINE_PLOT_HEIGHT * (1 - v), "text": f"{v:.1f}"}
            for v in (0, 0.5, 0.667, 0.8, 1)
        ],
    }


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


def charts(figures: dict[str, Any]) -> dict[str, Any]:
    """The SVG geometry of the figures' charts."""

    def short(day: str) -> str:
        return datetime.date.fromisoformat(day).strftime("%d %b")

    return {
        "verdicts": horizontal_bars(
            [(row["verdict"], row["count"]) for row in figures["verdicts"]]
        ),
        "throughput": columns(
            [
                (short(day), n)
                for day, n in zip(
                    figures["throughput"]["dates"], figures["throughput"]["totals"], strict=True
                )
            ]
        ),
        "agreement": line(
            [(short(p["week"]), p["verdict_alpha"]) for p in figures["agreement_over_time"]]
        ),
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
