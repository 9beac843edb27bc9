import datetime

import pytest

from archive.dates import (
    DatePrecision,
    format_partial_date,
    format_partial_iso,
    format_partial_range,
    parse_partial_date,
    period_end,
    period_start,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", (datetime.date(2025, 1, 1), DatePrecision.YEAR)),
        ("2025-06", (datetime.date(2025, 6, 1), DatePrecision.MONTH)),
        ("2025-06-05", (datetime.date(2025, 6, 5), DatePrecision.DAY)),
        (" 2019-2-1 ", (datetime.date(2019, 2, 1), DatePrecision.DAY)),
    ],
)
def test_parse_partial_date_keeps_the_precision_of_its_form(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["", "June 2025", "2025-13", "2025-02-30", "20250605", "2025-06-"])
def test_parse_partial_date_rejects_other_forms_with_a_message(text):
    with pytest.raises(ValueError, match="date"):
        parse_partial_date(text)


def test_periods_span_the_whole_month_or_year():
    day = datetime.date(2024, 2, 17)
    assert period_start(day, DatePrecision.MONTH) == datetime.date(2024, 2, 1)
    assert period_end(day, DatePrecision.MONTH) == datetime.date(2024, 2, 29)
    assert period_start(day, DatePrecision.YEAR) == datetime.date(2024, 1, 1)
    assert period_end(day, DatePrecision.YEAR) == datetime.date(2024, 12, 31)
    assert period_start(day, DatePrecision.DAY) == period_end(day, DatePrecision.DAY) == day


@pytest.mark.parametrize(
    ("precision", "shown", "iso"),
    [
        (DatePrecision.DAY, "5 June 2025", "2025-06-05"),
        (DatePrecision.MONTH, "June 2025", "2025-06"),
        (DatePrecision.YEAR, "2025", "2025"),
        (DatePrecision.UNKNOWN, "Date unknown", ""),
    ],
)
def test_formatting_shows_only_what_is_known(precision, shown, iso):
    date = datetime.date(2025, 6, 5)
    assert format_partial_date(date, precision) == shown
    assert format_partial_iso(date, precision) == iso


def test_a_missing_date_is_unknown():
    assert format_partial_date(None, DatePrecision.DAY) == "Date unknown"
    assert format_partial_iso(None, DatePrecision.DAY) == ""


def test_a_date_is_stored_at_the_start_of_its_period_with_a_precision():
    from archive.dates import normalised

    june = datetime.date(2025, 6, 5)
    assert normalised(june, DatePrecision.MONTH) == (datetime.date(2025, 6, 1), "month")
    assert normalised(june, DatePrecision.YEAR) == (datetime.date(2025, 1, 1), "year")
    assert normalised(june, DatePrecision.UNKNOWN) == (june, "day")
    assert normalised(None, DatePrecision.DAY) == (None, "unknown")


@pytest.mark.parametrize(
    ("start", "end", "precision", "shown"),
    [
        (
            datetime.date(2025, 10, 25),
            datetime.date(2025, 10, 26),
            DatePrecision.DAY,
            "25–26 October 2025",
        ),
        (
            datetime.date(2025, 4, 30),
            datetime.date(2025, 5, 2),
            DatePrecision.DAY,
            "30 April – 2 May 2025",
        ),
        (
            datetime.date(2024, 12, 30),
            datetime.date(2025, 1, 2),
            DatePrecision.DAY,
            "30 December 2024 – 2 January 2025",
        ),
        (
            datetime.date(2025, 5, 1),
            datetime.date(2025, 6, 1),
            DatePrecision.MONTH,
            "May – June 2025",
        ),
        (datetime.date(2019, 1, 1), datetime.date(2021, 1, 1), DatePrecision.YEAR, "2019 – 2021"),
        (datetime.date(2025, 6, 5), datetime.date(2025, 6, 5), DatePrecision.DAY, "5 June 2025"),
        (datetime.date(2025, 6, 5), None, DatePrecision.DAY, "5 June 2025"),
        (None, None, DatePrecision.DAY, "Date unknown"),
    ],
)
def test_a_period_is_written_with_its_shared_parts_once(start, end, precision, shown):
    assert format_partial_range(start, end, precision) == shown
