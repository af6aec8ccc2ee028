"""The geometry of the dashboard's SVG charts, from figures alone (no database)."""

from annotations.charts import (
    BAR_GAP,
    BAR_HEIGHT,
    COLUMN_PLOT_HEIGHT,
    LABEL_WIDTH,
    LINE_PLOT_HEIGHT,
    PATTERNS,
    PLOT_WIDTH,
    columns,
    dashboard_charts,
    horizontal_bars,
    line,
)


def test_the_longest_bar_fills_the_plot_and_the_others_are_in_proportion():
    chart = horizontal_bars([("True", 10), ("False", 5), ("Pants on fire", 0)])
    widths = [bar["width"] for bar in chart["bars"]]
    assert widths == [PLOT_WIDTH, PLOT_WIDTH / 2, 0]
    assert [bar["y"] for bar in chart["bars"]] == [
        0,
        BAR_HEIGHT + BAR_GAP,
        2 * (BAR_HEIGHT + BAR_GAP),
    ]
    # The count is written just right of its bar.
    assert chart["bars"][1]["value_x"] == LABEL_WIDTH + PLOT_WIDTH / 2 + 6


def test_bars_cycle_through_the_patterns():
    chart = horizontal_bars([(str(n), 1) for n in range(len(PATTERNS) + 1)])
    assert [bar["pattern"] for bar in chart["bars"]] == [*PATTERNS, PATTERNS[0]]


def test_an_empty_or_all_zero_chart_still_has_a_size():
    for rows in ([], [("True", 0)]):
        chart = horizontal_bars(rows)
        assert chart["height"] >= BAR_HEIGHT and chart["width"] > 0
        assert all(bar["width"] == 0 for bar in chart["bars"])
    assert columns([])["width"] > 0


def test_columns_stand_on_the_baseline():
    chart = columns([("01 Mar", 4), ("02 Mar", 2)])
    tall, short = chart["columns"]
    assert tall["height"] == COLUMN_PLOT_HEIGHT and short["height"] == COLUMN_PLOT_HEIGHT / 2
    for column in chart["columns"]:
        assert column["y"] + column["height"] == chart["baseline"]
        assert column["value_y"] < column["y"]  # the count above its column
    assert short["x"] > tall["x"]


def test_a_line_breaks_where_a_week_has_no_value():
    chart = line([("w1", 1.0), ("w2", 0.5), ("w3", None), ("w4", -0.2)])
    assert [mark["text"] for mark in chart["marks"]] == ["1.00", "0.50", "n/a", "-0.20"]
    assert len(chart["segments"]) == 2
    assert chart["segments"][0] == f"40,20.0 110,{20 + LINE_PLOT_HEIGHT / 2:.1f}"
    # A negative alpha is drawn on the floor, with its value written beside it.
    assert chart["marks"][3]["y"] == chart["baseline"]
    assert chart["marks"][2]["y"] is None


def test_the_dashboard_charts_come_from_its_stored_figures():
    figures = {
        "verdicts": [{"verdict": "False", "count": 3}],
        "throughput": {"dates": ["2025-03-01", "2025-03-02"], "totals": [1, 2]},
        "agreement_over_time": [{"week": "2025-02-24", "verdict_alpha": 0.8}],
    }
    charts = dashboard_charts(figures)
    assert charts["verdicts"]["bars"][0]["label"] == "False"
    assert [c["label"] for c in charts["throughput"]["columns"]] == ["01 Mar", "02 Mar"]
    assert charts["agreement"]["marks"][0]["label"] == "24 Feb"
