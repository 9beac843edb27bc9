"""Dates that are known only to the year or the month.

A partial date is stored as the first day of its period plus a precision, so "June 2025" is
(2025-06-01, MONTH). Sorting and range filters work on the stored date; display and range
overlap take the precision into account.
"""

import calendar
import datetime
import re

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


def normalised(published, precision):
    """(date, precision) as stored: a partial date at the start of its period, and a date
    without a stated precision taken at face value."""
    if published is None:
        return None, DatePrecision.UNKNOWN
    if precision == DatePrecision.UNKNOWN:
        return published, DatePrecision.DAY
    return period_start(published, precision), precision


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_partial_date(text):
    """Parse "2025", "2025-06" or "2025-06-05" into (date, precision).

    Raises ValueError with a readable message for anything else.
    """
    match = _PARTIAL_DATE.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day is not None:
            return datetime.date(int(year), int(month), int(day)), DatePrecision.DAY
        if month is not None:
            return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
        return datetime.date(int(year), 1, 1), DatePrecision.YEAR
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid date: {error}") from None


def period_start(date, precision):
    """The first day of the period that `date` falls in at the given precision."""
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    return date


def period_end(date, precision):
    """The last day of the period that `date` falls in at the given precision."""
    if precision == DatePrecision.YEAR:
        return date.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def format_partial_date(date, precision):
    """Human-readable: "5 June 2025", "June 2025", "2025" or "Date unknown"."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return "Date unknown"
    if precision == DatePrecision.YEAR:
        return f"{date.year}"
    if precision == DatePrecision.MONTH:
        return f"{calendar.month_name[date.month]} {date.year}"
    return f"{date.day} {calendar.month_name[date.month]} {date.year}"


def format_partial_range(start, end, precision):
    """A period at its precision, its shared parts written once: "25–26 October 2025",
    "30 April – 2 May 2025", "May – June 2025", "2019 – 2021"; one date when it ends as it
    begins; "Date unknown" without a start."""
    first = format_partial_date(start, precision)
    if start is None or end is None or precision == DatePrecision.UNKNOWN:
        return first
    last = format_partial_date(end, precision)
    if last == first:
        return first
    if precision == DatePrecision.YEAR or start.year != end.year:
        return f"{first} – {last}"
    if precision == DatePrecision.MONTH:
        return f"{calendar.month_name[start.month]} – {last}"
    if start.month == end.month:
        return f"{start.day}–{last}"
    return f"{start.day} {calendar.month_name[start.month]} – {last}"


def format_partial_iso(date, precision):
    """Machine-readable with the precision kept: "2025-06-05", "2025-06", "2025" or ""."""
    if date is None or precision == DatePrecision.UNKNOWN:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{date.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()
