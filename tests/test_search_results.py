"""The order of a search's matches: headline matches first, the ranking bounded to the newest
candidates, the sorts, and pages that reach every match once."""

import datetime

import pytest

from archive.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def ranked_titles(query, **kwargs):
    return [article.title for article in Article.objects.search(query, **kwargs).results[0:50]]


@pytest.mark.parametrize("query", ["tariff", "TARIF*", '"tariffs rise"'])
def test_a_headline_match_comes_before_a_body_that_repeats_the_word(db, query):
    ArticleFactory(title="Tariffs rise", body="Markets react.", published=datetime.date(2020, 1, 1))
    ArticleFactory(title="Markets", body="Tariffs rise, tariffs rise and tariffs rise again.")
    assert ranked_titles(query) == ["Tariffs rise", "Markets"]


def test_without_a_headline_match_the_body_with_more_matches_comes_first(db):
    ArticleFactory(title="One", body="Tariffs and tariffs on tariffs.", published=None)
    ArticleFactory(title="Two", body="Tariffs and soybeans on ships.")
    assert ranked_titles("tariff") == ["One", "Two"]


def test_equal_scores_are_newest_first(db):
    ArticleFactory(title="Report one", body="Tariffs today.", published=datetime.date(2025, 3, 1))
    ArticleFactory(title="Report two", body="Tariffs today.", published=None)
    ArticleFactory(title="Report six", body="Tariffs today.", published=datetime.date(2025, 1, 1))
    ArticleFactory(title="Report ten", body="Tariffs today.", published=datetime.date(2025, 9, 1))
    expected = ["Report ten", "Report one", "Report six", "Report two"]
    assert ranked_titles("tariff") == expected


@pytest.fixture
def dated(db):
    """Three matches, the headline match the oldest, one undated."""
    ArticleFactory(title="Undated", body="Tariffs.", published=None)
    ArticleFactory(title="Tariffs", body="Old.", published=datetime.date(2020, 5, 1))
    ArticleFactory(title="Newest", body="Tariffs.", published=datetime.date(2025, 5, 1))
    ArticleFactory(title="Other", body="Soybeans.", published=datetime.date(2026, 5, 1))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Newest", "Tariffs", "Undated"]),
        ("oldest", ["Tariffs", "Newest", "Undated"]),
        ("relevance", ["Tariffs", "Newest", "Undated"]),
        (None, ["Tariffs", "Newest", "Undated"]),
        ("bogus", ["Tariffs", "Newest", "Undated"]),
    ],
)
def test_sort_orders(dated, sort, expected):
    search = Article.objects.search("tariff", sort=sort)
    assert search.sort == (sort if sort in ("newest", "oldest") else "relevance")
    assert ranked_titles("tariff", sort=sort) == expected


@pytest.mark.parametrize(("sort", "shown"), [("relevance", "newest"), ("oldest", "oldest")])
def test_without_a_query_relevance_falls_back_to_newest(dated, sort, shown):
    search = Article.objects.search("", sort=sort)
    assert search.sort == shown
    titles = [article.title for article in search.results[0:10]]
    newest = ["Other", "Newest", "Tariffs", "Undated"]
    assert titles == (newest if shown == "newest" else [*newest[2::-1], "Undated"])


def test_with_few_ranked_candidates_every_match_is_still_reached_once(db, settings):
    settings.ARCHIVE_SEARCH_RANKED = 1
    on = datetime.date
    ArticleFactory(title="Old headline tariffs", body="A.", published=on(2020, 1, 1))
    ArticleFactory(title="Undated", body="Tariffs.", published=None)
    ArticleFactory(title="Newer headline tariffs", body="B.", published=on(2021, 1, 1))
    ArticleFactory(title="Middle", body="Tariffs.", published=on(2024, 1, 1))
    ArticleFactory(title="Newest", body="Tariffs.", published=on(2025, 1, 1))
    ArticleFactory(title="Unrelated", body="Soybeans.", published=on(2025, 2, 1))
    search = Article.objects.search("tariff")
    # The candidates (the newest headline match, the newest match), then the rest newest first.
    expected = ["Newer headline tariffs", "Newest", "Middle", "Old headline tariffs", "Undated"]
    assert [a.title for a in search.results[0:100]] == expected
    assert search.count() == len(search.results) == 5
    for size in (1, 2, 3):
        pages = [search.results[start : start + size] for start in range(0, 5, size)]
        assert [a.title for page in pages for a in page] == expected
    assert search.results[5:10] == []


BOTH_HEADLINES = {"Tariffs again", "Rare earths and tariffs"}


@pytest.mark.parametrize(
    ("text", "first", "rest"),
    [
        ("tariffs", BOTH_HEADLINES, ["Nothing", "Soybeans", "Other", "Tariffs old"]),
        ("tariffs -soybeans", BOTH_HEADLINES, ["Nothing", "Other", "Tariffs old"]),
        ('"rare earths"', {"Rare earths and tariffs"}, ["Tariffs again"]),
    ],
)
def test_the_candidates_are_the_newest_matches_and_the_newest_headline_matches(
    db, settings, text, first, rest
):
    settings.ARCHIVE_SEARCH_RANKED = 2
    for title, body in [
        ("Tariffs old", "Nothing more."),
        ("Other", "Tariffs."),
        ("Tariffs again", "Rare earths, tariffs."),
        ("Soybeans", "Tariffs on soybeans."),
        ("Rare earths and tariffs", "Nothing more."),
        ("Nothing", "Tariffs."),
        ("Unrelated", "Soybeans."),
    ]:
        ArticleFactory(title=title, body=body, published=None)
    titles = [a.title for a in Article.objects.search(text).results[0:100]]
    # The two newest headline matches first; then the newest match of all, if another;
    # then every other match, newest first.
    assert set(titles[: len(first)]) == first
    assert titles[len(first) :] == rest


@pytest.mark.parametrize(
    ("text", "sort"),
    [("", "newest"), ("", "oldest"), ("tariffs", "relevance"), ("tariffs", "newest")],
)
def test_ids_are_every_match_in_the_order_of_the_pages(db, settings, text, sort):
    settings.ARCHIVE_SEARCH_RANKED = 2  # past the ranked candidates too
    for number in range(9):
        ArticleFactory(
            title=f"Tariffs {number}" if number % 3 == 0 else f"Report {number}",
            body="Tariffs." if number % 2 else "Soybeans.",
            published=None if number == 4 else datetime.date(2025, 1, 1 + number % 4),
        )
    results = Article.objects.search(text, sort=sort).results
    paged = [a.pk for start in range(0, 9, 2) for a in results[start : start + 2]]
    assert results.ids() == paged
    assert len(paged) == results.count() == (9 if not text else 6)
    assert results.ids(3) == paged[:3]
