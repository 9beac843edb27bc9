import datetime

import pytest

from archive.citations import apa, bibtex, bibtex_escape, bibtex_key, chicago, citations
from archive.dates import DatePrecision
from archive.models import Article, Language

URL = "https://archive.example/articles/42/"
ACCESSED = datetime.date(2026, 12, 1)
FRENCH = Language(pk=1, code="fr", name_en="French", name_native="Français")
ENGLISH = Language(pk=2, code="en", name_en="English", name_native="English")

PRECISIONS = {
    "day": (datetime.date(2025, 6, 5), DatePrecision.DAY),
    "month": (datetime.date(2025, 6, 1), DatePrecision.MONTH),
    "year": (datetime.date(2025, 1, 1), DatePrecision.YEAR),
    "unknown": (None, DatePrecision.UNKNOWN),
}


def article(precision="day", **fields):
    published, date_precision = PRECISIONS[precision]
    values = {
        "pk": 42,
        "title": "L'appel Trump-Xi renforce l'image du président chinois",
        "title_en": "Trump–Xi call boosts Chinese president’s image",
        "source_name": "Le Monde",
        "language": FRENCH,
        "published": published,
        "date_precision": date_precision,
        **fields,
    }
    return Article(**values)


@pytest.mark.parametrize(
    ("precision", "date"),
    [
        ("day", "(2025, June 5)"),
        ("month", "(2025, June)"),
        ("year", "(2025)"),
        ("unknown", "(n.d.)"),
    ],
)
def test_apa_gives_the_date_as_precisely_as_known(precision, date):
    citation = apa(article(precision), url=URL)
    assert citation.style == "APA"
    assert citation.text == (
        "L'appel Trump-Xi renforce l'image du président chinois "
        "[Trump–Xi call boosts Chinese president’s image]. "
        f"{date}. Le Monde. https://archive.example/articles/42/"
    )


def test_apa_puts_the_headline_first_and_leaves_out_what_is_unknown():
    citation = apa(
        article(title="Who gains?", title_en="", source_name="", language=ENGLISH), url=URL
    )
    assert citation.text == "Who gains? (2025, June 5). https://archive.example/articles/42/"
    assert citation.title == "Who gains?"


@pytest.mark.parametrize(
    ("precision", "date"),
    [
        ("day", "June 5, 2025."),
        ("month", "June 2025."),
        ("year", "2025."),
        ("unknown", "n.d. Accessed December 1, 2026."),
    ],
)
def test_chicago_names_the_source_first_and_gives_the_date_as_precisely_as_known(precision, date):
    citation = chicago(article(precision), url=URL, accessed=ACCESSED)
    assert citation.style == "Chicago"
    assert citation.text == (
        "Le Monde. “L'appel Trump-Xi renforce l'image du président chinois” "
        f"[Trump–Xi call boosts Chinese president’s image]. {date} "
        "https://archive.example/articles/42/."
    )


def test_chicago_without_a_translation_or_source_closes_the_headline_inside_the_quotes():
    citation = chicago(
        article(title="Tariffs rise", title_en="", source_name="", language=ENGLISH),
        url=URL,
        accessed=ACCESSED,
    )
    assert citation.text == "“Tariffs rise.” June 5, 2025. https://archive.example/articles/42/."


@pytest.mark.parametrize(
    ("precision", "date_lines"),
    [
        ("day", ["  year = {2025},", "  month = jun,", "  day = {5},"]),
        ("month", ["  year = {2025},", "  month = jun,"]),
        ("year", ["  year = {2025},"]),
        ("unknown", []),
    ],
)
def test_bibtex_gives_year_month_and_day_only_as_far_as_known(precision, date_lines):
    citation = bibtex(article(precision), url=URL, accessed=ACCESSED)
    year = "2025" if precision != "unknown" else "nd"
    assert citation.style == "BibTeX"
    assert citation.text.splitlines() == [
        f"@article{{lemonde{year}trump-42,",
        "  title = {L'appel Trump-Xi renforce l'image du président chinois},",
        "  titleaddon = {[Trump–Xi call boosts Chinese president’s image]},",
        "  journaltitle = {Le Monde},",
        *date_lines,
        "  language = {french},",
        "  url = {https://archive.example/articles/42/},",
        "  urldate = {2026-12-01},",
        "}",
    ]


def test_bibtex_escapes_its_special_characters_in_text_but_not_in_the_url():
    assert bibtex_escape(r"R&D 50% $5 #1 a_b {x} ^ ~ \ ") == (
        r"R\&D 50\% \$5 \#1 a\_b \{x\} \^{} \~{} \textbackslash{} "
    )
    citation = bibtex(
        article(title="Tariffs & {quotas}: 100%", source_name="AT&T News"),
        url="https://archive.example/articles/42/?a=1&b=2",
        accessed=ACCESSED,
    )
    assert "  title = {Tariffs \\& \\{quotas\\}: 100\\%}," in citation.text
    assert "  journaltitle = {AT\\&T News}," in citation.text
    assert "  url = {https://archive.example/articles/42/?a=1&b=2}," in citation.text
    assert citation.title == "Tariffs \\& \\{quotas\\}: 100\\%"


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({}, "lemonde2025trump-42"),
        ({"title_en": "", "title": "Đất hiếm: Việt Nam"}, "lemonde2025hiem-42"),
        ({"title_en": "", "title": "中美贸易战", "source_name": "人民日报"}, "archive2025-42"),
        ({"source_name": "", "pk": 7}, "archive2025trump-7"),
    ],
)
def test_bibtex_keys_are_ascii_and_carry_the_articles_id(fields, key):
    made = bibtex_key(article(**fields))
    assert made == key
    assert made.isascii()


def test_bibtex_keys_of_two_articles_with_the_same_headline_differ():
    assert bibtex_key(article(pk=1)) != bibtex_key(article(pk=2))


def test_every_style_in_order_each_naming_the_headline_it_contains():
    found = citations(article(), url=URL, accessed=ACCESSED)
    assert [citation.style for citation in found] == ["APA", "Chicago", "BibTeX"]
    for citation in found:
        assert citation.title in citation.text
        assert URL in citation.text
