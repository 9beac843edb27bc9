"""What readers find. Every run of the suite asserts the same answers, on SQLite and then
on PostgreSQL: the shared table of queries below is what makes the two engines agree."""

import datetime

import pytest

from archive.models import Article
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
    articles, _ = Article.objects.search(query)
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
]


@pytest.mark.parametrize(("query", "expected"), SHARED_TABLE)
def test_the_shared_table_of_queries(archive, query, expected):
    assert found(archive, query) == expected


@pytest.mark.parametrize("query", ["", "   ", "!!!", '""', "-", "*", "OR", "🤝"])
def test_nothing_to_search_for_finds_nothing_and_says_so(archive, query):
    articles, notes = Article.objects.search(query)
    assert list(articles) == []
    assert "There was nothing to search for." in notes


def test_the_index_follows_edits_and_deletions(archive):
    article = archive["002"]
    article.title = "Pourparlers à Kuching"
    article.save()
    assert found(archive, "Kuching") == ["002"]
    article.delete()
    assert Article.objects.search("Kuching")[0].count() == 0
    assert Article.objects.search("Lumpur")[0].count() == 0


def test_a_new_article_is_found_as_soon_as_it_is_saved(archive):
    ArticleFactory(
        title="Zorgen over de zeldzame aardmetalen",
        body="Nieuwe exportregels.",
        language=LanguageFactory(code="nl"),
    )
    articles, _ = Article.objects.search("aardmetaal")
    assert [a.title for a in articles] == ["Zorgen over de zeldzame aardmetalen"]
