"""What readers find. Every run of the suite asserts the same answers, on SQLite and then
on PostgreSQL: the shared table of queries below is what makes the two engines agree."""

import datetime
import itertools

import pytest
from django.db import connection

from archive.models import Article
from archive.search.documents import article_terms, common_terms, most_common
from archive.search.maintenance import index_rebuild
from tests.factories import ArticleFactory, LanguageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(seeds):
    """The seeds, plus articles in Chinese and Japanese."""
    chinese = ArticleFactory(
        title="中美在吉隆坡举行贸易谈判",
        body="特朗普与习近平通话后，双方讨论了稀土出口管制和关税问题。",
        language=LanguageFactory(code="zh"),
        published=datetime.date(2025, 10, 26),
    )
    japanese = ArticleFactory(
        title="米中首脳会談",
        body="トランプ大統領と習近平国家主席はレアアースについて協議した。",
        language=LanguageFactory(code="ja"),
        published=datetime.date(2025, 10, 30),
    )
    return {**seeds, "zh": chinese, "ja": japanese}


def found(archive, query):
    articles = Article.objects.search(query, across_languages=False).articles
    names = {article.pk: name for name, article in archive.items()}
    return sorted(names[pk] for pk in articles.values_list("pk", flat=True))


# (query, the articles it finds): the same on both databases.
SHARED_TABLE = [
    # Stemming: Dutch, French and English words match their inflections.
    ("sojaboon", ["000"]),
    ("sojabonen", ["000"]),
    ("tarif", ["004"]),
    ("talk", ["004"]),
    ("alliantie", ["001"]),
    # Case, accents, tones, đ and apostrophes do not matter.
    ("POETIN", ["001"]),
    ("dat hiem", ["004-vi"]),
    ("Đất Hiếm", ["004-vi"]),
    ("l’appel", ["004"]),
    ("l'appel", ["004"]),
    ("negociations", ["004"]),
    # Chinese and Japanese without spaces.
    ("稀土", ["zh"]),
    ("关税", ["zh"]),
    ("特朗普", ["zh"]),
    ("习近平", ["zh"]),
    ("習近平", ["ja"]),
    ("レアアース", ["ja"]),
    # Phrases, OR, exclusion, prefixes.
    ('"Kuala Lumpur"', ["002"]),
    ('"Lumpur Kuala"', []),
    ('"upper hand"', ["004"]),
    ("Poetin OR Poutine", ["001"]),
    ("Blinken OR sojabonen", ["000", "003"]),
    ("Trump -sojabonen", ["001", "002", "003", "004", "004-vi"]),
    ("Trump -Xi", []),
    ("-Trump", ["ja", "zh"]),
    ("Shangh*", ["003"]),
    ("negoc*", ["004"]),
    # The English headline of 004 is searchable; so are captions and subheadings.
    ("tough man image", ["004"]),
    ('"Beeld Getty"', ["001"]),
    ('"Passage through Shanghai"', ["003"]),
    # Words all required, in any field.
    ("Blinken Taiwan Shanghai", ["003"]),
    ("Blinken sojabonen", []),
    # Phrases excluded.
    ('Trump -"Kuala Lumpur"', ["000", "001", "003", "004", "004-vi"]),
    ('-"Kuala Lumpur"', ["000", "001", "003", "004", "004-vi", "ja", "zh"]),
    ('-"Kuala Lumpur" -"upper hand"', ["000", "001", "003", "004-vi", "ja", "zh"]),
]


@pytest.mark.parametrize(("query", "expected"), SHARED_TABLE)
def test_the_shared_table_of_queries(archive, query, expected):
    assert found(archive, query) == expected


@pytest.mark.parametrize("query", ["", "   "])
def test_no_query_is_no_search_and_keeps_every_article(archive, query):
    search = Article.objects.search(query)
    assert search.articles.count() == len(archive)
    assert search.notes == []
    assert search.sort == "newest"


@pytest.mark.parametrize("query", ["!!!", '""', "-", "*", "OR", "🤝"])
def test_nothing_to_search_for_finds_nothing_and_says_so(archive, query):
    search = Article.objects.search(query)
    assert list(search.articles) == []
    assert "There was nothing to search for." in search.notes


# Across languages: a label of a thesaurus concept finds the concept's other labels.
ACROSS_LANGUAGES = [
    ("Putin", ["001"]),
    ("Poutine", ["001"]),
    ("普京", ["001"]),
    ("rare earths", ["002", "004", "004-vi", "zh"]),
    ('"rare earths"', ["002", "004", "004-vi", "zh"]),
    ("Xi Jinping", ["001", "002", "003", "004", "004-vi", "ja", "zh"]),
    ("Beijing", ["001", "002", "003", "004", "004-vi"]),
    ("-Putin", ["000", "002", "003", "004", "004-vi", "ja", "zh"]),
    ("Putin OR sojabonen", ["000", "001", "002"]),
]


@pytest.mark.parametrize(("query", "expected"), ACROSS_LANGUAGES)
def test_the_shared_table_across_languages(archive, query, expected):
    articles = Article.objects.search(query).articles
    names = {article.pk: name for name, article in archive.items()}
    assert sorted(names[pk] for pk in articles.values_list("pk", flat=True)) == expected


def every_term_common(*, but_every_other=False):
    """Rewrite the index with every term common, or every other one in alphabetical order.
    On PostgreSQL a phrase of common words is then looked up by its pair terms
    (archive.search.documents.common_terms) rather than read from each document, and a phrase
    common in some combinations of its forms only is split (query.tsquery_alternatives);
    SQLite's index has no pairs, and answers as before."""
    articles = Article.objects.select_related("language")
    terms = (itertools.chain.from_iterable(article_terms(a).values()) for a in articles)
    common = sorted(most_common(terms, limit=None))
    index_rebuild(common=common[::2] if but_every_other else common)


@pytest.mark.parametrize("but_every_other", [False, True])
@pytest.mark.parametrize(
    ("query", "expected", "across_languages"),
    [(query, expected, False) for query, expected in SHARED_TABLE]
    + [(query, expected, True) for query, expected in ACROSS_LANGUAGES],
)
def test_the_shared_tables_with_phrases_looked_up_by_their_pairs(
    archive, query, expected, across_languages, but_every_other
):
    every_term_common(but_every_other=but_every_other)
    if connection.vendor == "postgresql":
        assert len(common_terms()) > 150
    articles = Article.objects.search(query, across_languages=across_languages).articles
    names = {article.pk: name for name, article in archive.items()}
    assert sorted(names[pk] for pk in articles.values_list("pk", flat=True)) == expected


def test_the_expansions_are_reported_and_can_be_turned_off(archive):
    search = Article.objects.search("Putin tarif")
    [expansion] = search.expansions
    assert expansion.typed == "putin"
    assert set(expansion.also) == {"Poetin", "Poutine", "普京"}
    assert found(archive, "rare earths") == []


@pytest.mark.parametrize("pairs", [False, True])
def test_a_phrase_matches_neighbours_within_a_field_only(db, pairs):
    english = LanguageFactory(code="en")
    split = ArticleFactory(
        title="Talks about soybean",
        standfirst="Purchases resume",
        body="Nothing else.",
        language=english,
    )
    apart = ArticleFactory(title="Soybean and purchases", body="Nothing.", language=english)
    together = ArticleFactory(
        title="Farmers wait",
        body="First paragraph.\nSoybean purchases resume.",
        language=english,
    )
    archive = {"split": split, "apart": apart, "together": together}
    if pairs:
        every_term_common()
    # The headline's last word and the standfirst's first are not a phrase; paragraphs of
    # the body are read as one text, as on both engines.
    assert found(archive, '"soybean purchases"') == ["together"]
    assert found(archive, '"soybean purchases resume"') == ["together"]
    assert found(archive, '"paragraph soybean purchases"') == ["together"]
    assert found(archive, '"purchases soybean"') == []
