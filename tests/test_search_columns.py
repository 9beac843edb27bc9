"""Facet counts from the columns in memory: the same as SQL's, and never for other data."""

import datetime
import itertools

import numpy as np
import pytest
from django.http import QueryDict

from archive.dates import DatePrecision
from archive.filters import ArticleFilter
from archive.models import Article, Language
from archive.search import cache, columns, facets, results, selector
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(db):
    """Articles in three languages, with and without dates, sources, topics and events."""
    trade = TopicFactory(name="Trade", slug="trade")
    taiwan = TopicFactory(name="Taiwan", slug="taiwan")
    call = EventFactory(name="Call", slug="call")
    french, dutch = LanguageFactory(code="fr"), LanguageFactory(code="nl")
    on = datetime.date
    tariffs = ArticleFactory(
        title="Tariffs", body="Soybeans.", published=on(2025, 6, 5), topics=[trade]
    )
    ArticleFactory(
        title="Taiwan and tariffs",
        body="Talks.",
        published=on(2024, 1, 1),
        topics=[trade, taiwan],
        events=[call],
        source_name="Reuters",
    )
    ArticleFactory(body="Tarifs douaniers.", language=french, published=None)
    ArticleFactory(
        body="Tarifs et soja.",
        language=french,
        source_name="Le Monde",
        events=[call],
        translation_of=tariffs,
        published=on(2025, 6, 1),
        date_precision=DatePrecision.MONTH,
    )
    ArticleFactory(
        body="Handelstarieven.",
        language=dutch,
        published=on(2025, 1, 1),
        date_precision=DatePrecision.YEAR,
    )
    ArticleFactory(body="Nothing to see.", published=on(2023, 3, 3), topics=[taiwan])
    return {"trade": trade, "taiwan": taiwan}


def _searches(varied):
    yield Article.objects.search("tariffs")
    yield Article.objects.search("tarif*")
    yield Article.objects.filter(language__code="fr").search("tarif*")
    yield Article.objects.filter(topics__in=list(varied.values())).search("")  # joins twice
    yield Article.objects.search("")
    yield Article.objects.search("nowhere")


def test_the_columns_count_what_sql_counts(varied):
    for search in _searches(varied):
        ids = np.unique(columns.matched_ids(search.ids_sql))
        by_columns = columns.tallies(ids, version=cache.data_version())
        for most in (False, True):
            by_sql = facets.facet_counts(search.ids_sql, most=most, unique=search.ids_unique)
            assert by_columns == by_sql, search.ids_sql
    assert by_columns == {f: {} for f in facets.COUNTED}  # "nowhere"


def test_the_columns_count_months_and_translations(varied):
    by = columns.tallies(
        np.unique(columns.matched_ids(Article.objects.search("").ids_sql)),
        version=cache.data_version(),
    )
    # Dated to the day or the month only: the Dutch article is dated by its year alone.
    assert by["month"] == {202506: 2, 202401: 1, 202303: 1}
    assert by["translated"] == {True: 2}  # the original and its translation
    search = Article.objects.search("tarif*")
    assert search.months() == {202506: 2, 202401: 1}
    assert search.facets()["translated"] == [
        {"value": "yes", "label": "Has a translation", "count": 2}
    ]
    for flag, expected in ((True, 2), (False, 4)):
        keep = columns.allowed(selector.Filters(translated=flag), version=cache.data_version())
        assert np.count_nonzero(keep) == expected
        assert Article.objects.translated(flag).count() == expected


def test_the_facets_follow_every_change_to_the_data(varied):
    def languages():
        return {
            item["value"]: item["count"] for item in Article.objects.search("").facets()["language"]
        }

    def topics():
        return {
            item["value"]: item["count"] for item in Article.objects.search("").facets()["topic"]
        }

    assert languages() == {"en": 3, "fr": 2, "nl": 1}
    article = Article.objects.get(title="Tariffs")
    article.language = LanguageFactory(code="nl")
    article.save()
    assert languages() == {"en": 2, "fr": 2, "nl": 2}
    article.topics.add(varied["taiwan"])
    assert topics() == {"trade": 2, "taiwan": 3}
    article.delete()
    assert languages() == {"en": 2, "fr": 2, "nl": 1}
    assert topics() == {"trade": 1, "taiwan": 2}
    ArticleFactory(title="New", published=datetime.date(2026, 1, 1))
    assert Article.objects.search("").facets()["year"][0]["count"] == 2  # 2025, twice


def test_columns_read_while_the_data_changed_are_not_used(varied, monkeypatch):
    def answer(search):
        return search.count(), search.facets(), [a.pk for a in search.results[0:10]]

    from_columns = answer(Article.objects.search("tariffs"))
    # Every reading of the version finds a new one, as if another process kept writing.
    versions = itertools.count()
    monkeypatch.setattr(cache, "data_version", lambda: str(next(versions)))
    monkeypatch.setattr(columns, "_kept", {})
    search = Article.objects.search("tariffs")
    assert columns.columns_for(search.version) is None
    assert columns._kept == {}
    # The search is still answered, in SQL, and the same.
    assert answer(search) == from_columns
    assert from_columns[0] == 4


def test_an_article_the_columns_do_not_know_is_counted_in_sql(varied):
    version = cache.data_version()
    known = columns.columns_for(version)
    beyond = np.array([len(known.language) + 5])
    assert columns.tallies(beyond, version=version) is None
    deleted_id = Article.objects.order_by("pk").first().pk - 1
    assert columns.tallies(np.array([max(deleted_id, 0)]), version=version) is None


def test_ids_are_read_whole_and_picked_by_position():
    assert columns.newest(np.array([5, 1, 9, 3]), 2) == [9, 5]
    assert columns.newest(np.array([], np.int64), 2) == []
    assert columns.among(np.array([1, 4, 7]), np.array([7, 2, 1])).tolist() == [1, 7]
    assert columns.among(np.array([1]), np.array([], np.int64)).tolist() == []


def test_pages_in_date_order_are_those_the_database_gives(varied):
    same_day = datetime.date(2025, 6, 5)
    ArticleFactory(title="Tariffs again", published=same_day)  # a tie with "Tariffs"
    ArticleFactory(title="Tariffs, undated", published=None)
    ArticleFactory(title="Tariffs of old", published=datetime.date(1999, 12, 31))
    version = cache.data_version()
    ids = np.array(sorted(Article.objects.values_list("pk", flat=True)))
    for newest in (True, False):
        articles = Article.objects.all()
        ordered = articles.newest_first() if newest else articles.oldest_first()
        expected = list(ordered.values_list("pk", flat=True))
        for start, stop in [(0, 3), (2, 5), (0, None), (4, 100), (9, 12)]:
            page = columns.in_date_order(
                ids, version=version, newest=newest, start=start, stop=stop
            )
            assert page == expected[start:stop], (newest, start, stop)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_query_in_date_order_pages_through_every_match_once(varied, sort):
    search = Article.objects.search("tarif*", sort=sort)
    everything = [a.pk for a in search.results[0:100]]
    ordered = Article.objects.filter(pk__in=everything)
    ordered = ordered.newest_first() if sort == "newest" else ordered.oldest_first()
    assert everything == list(ordered.values_list("pk", flat=True))
    assert len(everything) == search.count() == 4
    pages = [a.pk for start in range(0, 4, 3) for a in search.results[start : start + 3]]
    assert pages == everything


FILTER_CASES = [
    {"language": ["fr"]},
    {"language": ["fr", "nl"]},
    {"topic": ["trade"]},
    {"topic": ["trade", "taiwan"]},
    {"event": ["call"]},
    {"topic": ["taiwan"], "event": ["call"]},
    {"source": ["Reuters", "Le Monde"]},
    {"date_from": ["2025-06-10"]},
    {"date_from": ["2024-03-01"], "date_to": ["2025-06-05"]},
    {"date_to": ["2025-01-01"]},
    {"date_from": ["2025-06-20"], "date_to": ["2025-06-10"]},  # the end is left out
    {"language": ["fr"], "date_from": ["2025-01-01"], "source": ["Le Monde"]},
    {"language": ["fr"], "date_from": ["garbage"]},  # the date is left out: invalid
    {"year": ["2025"]},
    {"year": ["2025"], "date_from": ["2025-06-10"]},
    {"year": ["2024"], "date_to": ["2025-06-10"]},
    {"translated": ["yes"]},
    {"translated": ["no"], "language": ["fr"]},
]


@pytest.fixture
def dated(varied):
    """`varied`, with articles dated to the month and to the year."""
    for title, published, precision in [
        ("Tariffs in June", datetime.date(2025, 6, 1), DatePrecision.MONTH),
        ("Tariffs on the first", datetime.date(2025, 6, 1), DatePrecision.DAY),
        ("Tariffs that year", datetime.date(2025, 1, 1), DatePrecision.YEAR),
        ("Tariffs a year before", datetime.date(2024, 6, 1), DatePrecision.MONTH),
    ]:
        ArticleFactory(title=title, body="Tarifs.", published=published, date_precision=precision)
    return varied


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_filters_applied_in_memory_keep_what_sql_keeps(dated, filters, monkeypatch):
    monkeypatch.setattr(results, "FILTERED_IN_SQL_BELOW", 0)
    for q in ["tariffs", "tarif*", '"tarifs douaniers"', "nothing", "tariffs -taiwan"]:
        data = QueryDict(mutable=True)
        data["q"] = q
        for name, values in filters.items():
            data.setlist(name, values)
        search = ArticleFilter(data, queryset=Article.objects.all()).search()
        in_sql = np.unique(columns.matched_ids(search.ids_sql))
        in_memory = search._filtered_in_memory()
        assert in_memory is not None, (q, filters)
        assert sorted(in_memory.tolist()) == in_sql.tolist(), (q, filters)
        assert search.count() == in_sql.size


def test_filters_that_keep_few_articles_are_applied_in_sql(dated):
    search = Article.objects.filter(language__code="fr").search(
        "tarifs", filters=selector.Filters(languages=frozenset([_language_id("fr")]))
    )
    assert search.filtered is not None
    assert search._filtered_in_memory() is None  # fewer than FILTERED_IN_SQL_BELOW kept
    assert search.count() == 2


def _language_id(code):
    return Language.objects.get(code=code).pk
