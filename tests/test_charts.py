"""The chart of attention over time: every month between the first and the last, bars in
proportion, years along the axis, and a bar per year when months would be too thin."""

import datetime

from archive.charts import HEIGHT, MOST_MONTHS, MOST_TICKS, WIDTH, month_chart


def test_every_month_between_the_first_and_the_last_has_its_place():
    chart = month_chart({202411: 2, 202502: 4, 202501: 0})
    assert [bar.label for bar in chart.bars] == [
        "November 2024",
        "December 2024",
        "January 2025",
        "February 2025",
    ]
    assert [bar.count for bar in chart.bars] == [2, 0, 0, 4]
    tallest = chart.bars[3]
    assert tallest.height == 2 * chart.bars[0].height
    assert tallest.y + tallest.height == chart.baseline
    assert chart.bars[1].height == 0
    assert chart.peak is tallest
    assert chart.total == 6
    assert [bar.label for bar in chart.rows] == ["November 2024", "February 2025"]
    assert chart.rows[0].start == datetime.date(2024, 11, 1)
    assert chart.rows[0].end == datetime.date(2024, 11, 30)
    assert chart.summary == (
        "6 articles by month, from November 2024 to February 2025; the most in February 2025 (4)."
    )
    # A short span: its first and last months at its ends.
    last = chart.bars[-1]
    assert chart.ticks == [
        (round(chart.bars[0].x * 100 / WIDTH, 2), "November 2024", "start"),
        (round((last.x + last.width) * 100 / WIDTH, 2), "February 2025", "end"),
    ]
    # A longer one: the years under their Januaries.
    chart = month_chart({202311: 1, 202502: 1})
    assert [label for _, label, _ in chart.ticks] == ["2024", "2025"]
    assert chart.ticks[0][0] == round(chart.bars[2].x * 100 / WIDTH, 2)


def test_bars_stay_inside_the_drawing_and_a_single_article_shows():
    chart = month_chart({200001: 1, 202512: 10_000})
    assert all(bar.x >= 0 and bar.x + bar.width <= WIDTH for bar in chart.bars)
    assert all(0 <= bar.y <= HEIGHT for bar in chart.bars)
    assert chart.bars[0].height >= 1.5
    assert len(chart.ticks) <= MOST_TICKS


def test_a_long_span_is_drawn_a_year_a_bar():
    chart = month_chart({196005: 1, 196006: 2, 202506: 3})
    assert len(chart.bars) == 2025 - 1960 + 1 > 0
    assert chart.by_year
    assert (chart.bars[0].label, chart.bars[0].count) == ("1960", 3)
    assert chart.bars[0].end == datetime.date(1960, 12, 31)
    assert MOST_MONTHS < (2025 - 1960) * 12


def test_no_chart_without_two_months_to_compare():
    assert month_chart({}) is None
    assert month_chart({202506: 5}) is None
    assert month_chart({202506: 5, 202507: 0}) is None
