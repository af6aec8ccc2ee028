"""The geometry of the dashboard's SVG charts: plain numbers the template places into
<svg> elements. Each chart writes its numbers as text and tells series apart by pattern
and label, never by colour alone."""

from __future__ import annotations

import datetime
from typing import Any

# Patterns defined once in the dashboard template, cycled through by bar charts.
PATTERNS = ["solid", "hatch", "dots", "cross", "vertical", "horizontal"]

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


def dashboard_charts(figures: dict[str, Any]) -> dict[str, Any]:
    """The SVG geometry of the dashboard's charts, from its stored figures
    (dashboard.compute_figures)."""

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
