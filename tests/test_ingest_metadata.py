import datetime

import pytest

from archive.dates import DatePrecision
from archive.ingest.metadata import Metadata, metadata_from_mapping, split_front_matter
from archive.ingest.reading import IngestError


def test_front_matter_is_split_from_the_text():
    metadata, text, lines = split_front_matter("---\ntitle: A title\ndate: 2025-06\n---\nBody.")
    assert metadata.title == "A title"
    assert (metadata.published, metadata.date_precision) == (
        datetime.date(2025, 6, 1),
        DatePrecision.MONTH,
    )
    assert (text, lines) == ("Body.", 4)


def test_text_without_front_matter_is_left_alone():
    metadata, text, lines = split_front_matter("Body.\n---\nMore.")
    assert (metadata, text, lines) == (Metadata(), "Body.\n---\nMore.", 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2025, 6, 5), (datetime.date(2025, 6, 5), DatePrecision.DAY)),
        (2025, (datetime.date(2025, 1, 1), DatePrecision.YEAR)),
        ("2025-06", (datetime.date(2025, 6, 1), DatePrecision.MONTH)),
        ("2025-06-05", (datetime.date(2025, 6, 5), DatePrecision.DAY)),
    ],
)
def test_the_form_of_the_date_gives_its_precision(value, expected):
    metadata = metadata_from_mapping({"date": value})
    assert (metadata.published, metadata.date_precision) == expected


def test_lists_and_single_names_both_work_for_tags():
    metadata = metadata_from_mapping({"topics": "trade", "events": ["a", 2025, " "]})
    assert metadata.topics == ("trade",)
    assert metadata.events == ("a", "2025")


def test_unknown_fields_are_warned_of():
    assert metadata_from_mapping({"author": "X"}).warnings == ("unknown field 'author' ignored",)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"title": ["a"]}, "title must be text"),
        ({"url": "ftp://x"}, r"not an http\(s\) address"),
        ({"language": "fra"}, "not an ISO 639-1 code"),
        ({"date": "5 June"}, "not a date of the form"),
        ({"date_approximate": "yes"}, "true or false"),
    ],
)
def test_bad_values_are_refused_with_the_line(mapping, message):
    with pytest.raises(IngestError, match=message) as raised:
        metadata_from_mapping(mapping, line=7)
    assert str(raised.value).startswith("line 7: ")


def test_front_matter_wins_over_a_sidecar():
    front = metadata_from_mapping({"title": "Front", "date_approximate": False})
    sidecar = metadata_from_mapping(
        {"title": "Side", "source": "NRC", "date": "2019-02", "date_approximate": True}
    )
    merged = front.over(sidecar)
    assert (merged.title, merged.source) == ("Front", "NRC")
    assert (merged.published, merged.date_precision) == (datetime.date(2019, 2, 1), "month")
    assert merged.date_approximate is False
