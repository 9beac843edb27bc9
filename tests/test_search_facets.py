"""Facet counts of a search's matches, and its count."""

import datetime

import pytest

from archive.models import Article
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def faceted(db):
    trade = TopicFactory(name="Trade", slug="trade")
    taiwan = TopicFactory(name="Taiwan", slug="taiwan")
    call = EventFactory(name="Call", slug="call")
    french = LanguageFactory(code="fr")
    ArticleFactory(
        title="Shanghai talks",
        published=datetime.date(2025, 10, 25),
        topics=[trade, taiwan],
        events=[call],
        source_name="Reuters",
    )
    ArticleFactory(
        body="Rencontre à Shanghai.",
        language=french,
        published=datetime.date(2025, 6, 1),
        topics=[trade],
        source_name="Le Monde",
    )
    ArticleFactory(body="Shanghai, undated.", published=None)
    ArticleFactory(body="Elsewhere.", published=datetime.date(2024, 1, 1), topics=[taiwan])
    return {"trade": trade, "taiwan": taiwan}


def test_facets_count_the_matches_of_a_query(faceted):
    assert Article.objects.search("shanghai").facets() == {
        "language": [
            {"value": "en", "label": "English", "count": 2},
            {"value": "fr", "label": "French", "count": 1},
        ],
        "topic": [
            {"value": "trade", "label": "Trade", "count": 2},
            {"value": "taiwan", "label": "Taiwan", "count": 1},
        ],
        "event": [{"value": "call", "label": "Call", "count": 1}],
        "year": [
            {"value": 2025, "label": "2025", "count": 2},
            {"value": None, "label": "Undated", "count": 1},
        ],
        "source": [
            {"value": "Le Monde", "label": "Le Monde", "count": 1},
            {"value": "Reuters", "label": "Reuters", "count": 1},
            {"value": "", "label": "Unknown source", "count": 1},
        ],
        "translated": [],
    }


def test_facets_count_an_article_once_when_filters_join_twice(faceted):
    # A join on both topics gives the two-topic article twice; it is still one article.
    matches = Article.objects.filter(topics__in=[faceted["trade"], faceted["taiwan"]])
    facets = matches.search("shanghai").facets()
    assert facets["language"] == [
        {"value": "en", "label": "English", "count": 1},
        {"value": "fr", "label": "French", "count": 1},
    ]
    assert facets["topic"] == [
        {"value": "trade", "label": "Trade", "count": 2},
        {"value": "taiwan", "label": "Taiwan", "count": 1},
    ]
    assert facets["year"] == [{"value": 2025, "label": "2025", "count": 2}]
    assert [item["count"] for item in facets["source"]] == [1, 1]
    assert Article.objects.filter(language__code="fr").search("").facets()["topic"] == [
        {"value": "trade", "label": "Trade", "count": 1}
    ]
    # Browsing, without a query: the joined rows are still counted once each.
    browsed = matches.search("")
    assert sum(item["count"] for item in browsed.facets()["language"]) == 3


def test_the_count_is_the_number_of_matches_whichever_is_asked_first(faceted):
    first_count = Article.objects.search("shanghai")
    assert first_count.count() == 3
    assert sum(item["count"] for item in first_count.facets()["language"]) == 3
    first_facets = Article.objects.filter(language__code="en").search("shanghai")
    assert sum(item["count"] for item in first_facets.facets()["language"]) == 2
    assert first_facets.count() == 2
    assert Article.objects.search("nowhere").count() == 0
