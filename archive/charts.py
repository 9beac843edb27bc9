"""The chart of attention over time: matches per month, drawn as SVG on the server.

The figures come from the search (results.Search.months); this module only lays them out:
every month from the first to the last with a match (a month without one is a gap, not a
missing bar), each bar's place and height, and the years along the axis. The template
(includes/month_chart.html) writes the SVG and the table behind it.
"""

import datetime
from dataclasses import dataclass

from django.utils.dateformat import format as date_format

WIDTH, HEIGHT = 720, 120  # the drawing's own units; it stretches to the page's width
AXIS = 1  # the baseline under the bars
# Beyond this many months, a bar per month is too thin to see: a bar per year instead.
MOST_MONTHS = 240
FEWEST_SLOTS = 12
MOST_TICKS = 8  # years along the axis: a phone's width holds about eight


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "June 2025", or "2025" for a year
    count: int
    start: datetime.date  # the period's first day, for a link to its articles
    end: datetime.date


@dataclass(frozen=True)
class Chart:
    bars: list
    ticks: list  # (x as a percentage of the width, label, text-anchor)
    peak: Bar
    total: int
    by_year: bool
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - AXIS

    @property
    def summary(self):
        """One sentence saying what the chart shows, for those who cannot see it."""
        unit = "year" if self.by_year else "month"
        return (
            f"{self.total} articles by {unit}, from {self.bars[0].label} to "
            f"{self.bars[-1].label}; the most in {self.peak.label} ({self.peak.count})."
        )

    @property
    def rows(self):
        """The periods with articles, for the table behind the chart."""
        return [bar for bar in self.bars if bar.count]


def month_chart(months):
    """A Chart of {yyyymm: count}, or None when there is no time to draw: no article dated
    to a month, or all in one."""
    months = {month: count for month, count in months.items() if count}
    if len(months) < 2:
        return None
    first, last = min(months), max(months)
    periods = _months_between(first, last)
    by_year = len(periods) > MOST_MONTHS
    if by_year:
        years = {}
        for month, count in months.items():
            years[month // 100] = years.get(month // 100, 0) + count
        periods = [(year, years.get(year, 0)) for year in range(first // 100, last // 100 + 1)]
    else:
        periods = [(month, months.get(month, 0)) for month in periods]
    # A few periods are drawn as bars of a year's width, not stretched across the page.
    slot = WIDTH / max(len(periods), FEWEST_SLOTS)
    gap = min(2.0, slot * 0.2)
    tallest = max(count for _, count in periods)
    room = HEIGHT - AXIS - 4
    bars = []
    for index, (period, count) in enumerate(periods):
        height = room * count / tallest if count else 0
        if count:
            height = max(height, 1.5)  # a single article still shows
        start, end = _bounds(period, by_year=by_year)
        bars.append(
            Bar(
                x=round(index * slot + gap / 2, 2),
                y=round(HEIGHT - AXIS - height, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
                label=_label(period, by_year=by_year),
                count=count,
                start=start,
                end=end,
            )
        )
    return Chart(
        bars=bars,
        ticks=_ticks(bars, by_year=by_year),
        peak=max(bars, key=lambda bar: bar.count),
        total=sum(months.values()),
        by_year=by_year,
    )


def _months_between(first, last):
    months, year, month = [], first // 100, first % 100
    while year * 100 + month <= last:
        months.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _bounds(period, *, by_year):
    if by_year:
        return datetime.date(period, 1, 1), datetime.date(period, 12, 31)
    start = datetime.date(period // 100, period % 100, 1)
    following = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def _label(period, *, by_year):
    if by_year:
        return str(period)
    return date_format(datetime.date(period // 100, period % 100, 1), "F Y")


def _ticks(bars, *, by_year):
    """The labels along the axis, as (x as a percentage, label, anchor): the years under
    their first bar, at most MOST_TICKS of them; for a span of a year or less, its first and
    last months at its two ends."""

    # Written under the drawing, which stretches, in text that does not: placed by percentage.
    def at(x):
        return round(x * 100 / WIDTH, 2)

    if not by_year and len(bars) <= 12:
        first, last = bars[0], bars[-1]
        ends = [(at(first.x), first.label, "start")]
        if last is not first:
            ends.append((at(last.x + last.width), last.label, "end"))
        return ends
    if by_year:
        starts = [(bar.x, bar.label) for bar in bars]
    else:
        starts = [(bar.x, str(bar.start.year)) for bar in bars if bar.start.month == 1]
    starts = [(at(x), label, "start") for x, label in starts]
    step = -(-len(starts) // MOST_TICKS)
    return starts[::step]
