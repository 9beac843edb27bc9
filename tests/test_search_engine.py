"""What readers find. Every run of the suite asserts the same answers, on SQLite and then
on PostgreSQL: the shared table of queries below is what makes the two engines agree."""

import datetime
import itertools

import pytest
from django.db import connection

from archive.models import Article
from archive.search.index import article_terms, common_terms, index_rebuild, most_common
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

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


def test_the_index_follows_edits_and_deletions(archive):
    article = archive["002"]
    article.title = "Pourparlers à Kuching"
    article.save()
    assert found(archive, "Kuching") == ["002"]
    article.delete()
    assert Article.objects.search("Kuching").articles.count() == 0
    assert Article.objects.search("Lumpur").articles.count() == 0


def test_a_new_article_is_found_as_soon_as_it_is_saved(archive):
    ArticleFactory(
        title="Zorgen over de zeldzame aardmetalen",
        body="Nieuwe exportregels.",
        language=LanguageFactory(code="nl"),
    )
    articles = Article.objects.search("aardmetaal").articles
    assert [a.title for a in articles] == ["Zorgen over de zeldzame aardmetalen"]


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
    (archive.search.index.common_terms) rather than read from each document, and a phrase
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
