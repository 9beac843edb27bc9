import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Concept, ConceptLabel
from archive.related import concepts_named, related_articles
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def related(article, **kwargs):
    # As the article's page reads it: with its tags prefetched.
    article = Article.objects.prefetch_related("topics", "events").get(pk=article.pk)
    return related_articles(article=article, **kwargs)


def titles(articles):
    return [article.title for article in articles]


def concept(name, kind, **labels):
    made = Concept.objects.create(name=name, kind=kind)
    for code, text in labels.items():
        language = LanguageFactory(code=code) if code != "any" else None
        ConceptLabel.objects.create(concept=made, language=language, text=text)
    return made


@pytest.fixture
def story():
    """An article with two events and two topics, and articles sharing less and less."""
    call, geneva = EventFactory(name="Call"), EventFactory(name="Geneva")
    trade, rare = TopicFactory(name="Trade"), TopicFactory(name="Rare earths")
    old, new = datetime.date(2020, 1, 1), datetime.date(2025, 1, 1)
    return {
        "article": ArticleFactory(title="Article", events=[call, geneva], topics=[trade, rare]),
        "topic, new": ArticleFactory(title="Topic, new", published=new, topics=[trade]),
        "two topics, old": ArticleFactory(
            title="Two topics, old", published=old, topics=[trade, rare]
        ),
        "event": ArticleFactory(title="Event", published=old, events=[geneva]),
        "event and topic": ArticleFactory(
            title="Event and topic", published=old, events=[call], topics=[rare]
        ),
        "two events": ArticleFactory(title="Two events", published=old, events=[call, geneva]),
        "nothing shared": ArticleFactory(title="Nothing shared", topics=[TopicFactory()]),
    }


def test_sharing_events_comes_before_sharing_topics_more_shared_first(story):
    assert titles(related(story["article"])) == [
        "Two events",
        "Event and topic",
        "Event",
        "Two topics, old",
        "Topic, new",
    ]


def test_within_a_rank_the_newest_comes_first(db):
    topic = TopicFactory()
    article = ArticleFactory(topics=[topic])
    for year in (2019, 2024, 2021):
        ArticleFactory(title=str(year), published=datetime.date(year, 1, 1), topics=[topic])
    ArticleFactory(title="undated", published=None, date_precision="unknown", topics=[topic])
    assert titles(related(article)) == ["2024", "2021", "2019", "undated"]


def test_the_most_shared_are_chosen_among_the_newest_sharing_any(db, monkeypatch):
    monkeypatch.setattr("archive.related.CANDIDATES", 3)
    a, b = TopicFactory(), TopicFactory()
    article = ArticleFactory(topics=[a, b])
    for year, topics in [(2018, [a, b]), (2021, [a]), (2022, [a, b]), (2023, [b])]:
        ArticleFactory(title=str(year), published=datetime.date(year, 1, 1), topics=topics)
    # 2018 shares both topics but is not among the three newest sharing either.
    assert titles(related(article)) == ["2022", "2023", "2021"]


def test_each_says_why_it_is_related(story):
    found = {a.title: a.related_because for a in related(story["article"])}
    assert found["Two events"] == "Same events: Call, Geneva"
    assert found["Event and topic"] == "Same event: Call"
    assert found["Two topics, old"] == "Same topics: Rare earths, Trade"
    assert found["Topic, new"] == "Same topic: Trade"


def test_at_most_the_limit(story):
    assert len(related(story["article"], limit=2)) == 2
    assert titles(related(story["article"], limit=2)) == ["Two events", "Event and topic"]


def test_never_the_article_or_its_translations_and_a_story_only_once(db):
    topic = TopicFactory()
    original = ArticleFactory(title="Original", topics=[topic])
    ArticleFactory(
        title="Its translation",
        topics=[topic],
        language=LanguageFactory(code="vi"),
        translation_of=original,
    )
    other = ArticleFactory(title="Other", topics=[topic])
    ArticleFactory(
        title="Other's translation",
        topics=[topic],
        language=LanguageFactory(code="fr"),
        translation_of=other,
        published=datetime.date(2020, 1, 1),
    )
    for article in Article.objects.filter(title__in=["Original", "Its translation"]):
        assert titles(related(article)) == ["Other"]


def test_in_any_language(db):
    topic = TopicFactory()
    article = ArticleFactory(topics=[topic])
    ArticleFactory(title="中美", topics=[topic], language=LanguageFactory(code="zh"))
    found = related(article)
    assert titles(found) == ["中美"]
    assert found[0].language.code == "zh"


def test_people_and_places_named_through_the_thesaurus_come_after_tags(db):
    concept("Xi Jinping", "person", en="Xi Jinping", vi="Tập Cận Bình", zh="习近平")
    concept("rare earths", "subject", en="rare earths", vi="đất hiếm")
    topic = TopicFactory()
    article = ArticleFactory(
        title="Xi calls", body="Xi Jinping spoke about rare earths.", topics=[topic]
    )
    ArticleFactory(
        title="Chủ tịch", body="Chủ tịch Tập Cận Bình.", language=LanguageFactory(code="vi")
    )
    ArticleFactory(title="Đất", body="Đất hiếm.", language=LanguageFactory(code="vi"))
    ArticleFactory(
        title="习近平会见", body="习近平会见了代表团。", language=LanguageFactory(code="zh")
    )
    ArticleFactory(title="Tagged", body="Nothing in common.", topics=[topic])
    found = related(article)
    # Subjects are the topics' business: only the person counts.
    assert titles(found)[0] == "Tagged"
    assert set(titles(found)[1:]) == {"Chủ tịch", "习近平会见"}
    assert {a.related_because for a in found[1:]} == {"Also names: Xi Jinping"}


def test_a_label_matches_folded_in_its_own_language_and_as_written_in_others(db):
    english, dutch = LanguageFactory(code="en"), LanguageFactory(code="nl")
    us = concept("United States", "place", en="US", nl="Verenigde Staten")
    beijing = concept("Beijing", "place", en="Beijing", nl="Peking", fr="Pékin")
    labels = list(
        ConceptLabel.objects.values_list("concept_id", "concept__name", "language_id", "text")
    )

    def named(text, language):
        return concepts_named(Article(title=text, blocks=[], language=language), labels)

    assert named("They told us about peking duck in PEKING.", english) == {}
    assert named("The US and Beijing, beijing.", english) == {
        beijing.pk: ("Beijing", "beijing"),  # named twice, so first
        us.pk: ("United States", "US"),
    }
    assert named("Peking en de Verenigde Staten. Pekin.", dutch) == {
        beijing.pk: ("Beijing", "peking"),
        us.pk: ("United States", "verenigde staten"),
    }
    assert named("Pékin, Pékin", dutch) == {beijing.pk: ("Beijing", "Pékin")}


def test_a_bounded_number_of_queries_whatever_the_tags_and_names(db, settings):
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 0  # every search computed, as on a cold cache
    languages = [LanguageFactory(code=code) for code in ("en", "fr", "vi")]
    names = [f"Person{n}" for n in range(10)]
    for name in names:
        concept(name, "person", en=name)

    def article(n, *, tagged):
        topics, events = TopicFactory.create_batch(n), EventFactory.create_batch(n)
        made = ArticleFactory(
            body=" ".join(names[:n]),
            topics=topics if tagged else [],
            events=events if tagged else [],
        )
        for i in range(6 + 3 * n):
            ArticleFactory(
                body=names[i % n],
                language=languages[i % 3],
                topics=topics[: i % 2],
                events=events[: i % 3 == 0],
            )
        return Article.objects.prefetch_related("topics", "events").get(pk=made.pk)

    def queries(made):
        with CaptureQueriesContext(connection) as context:
            assert len(related_articles(article=made)) == 5
        return len(context.captured_queries)

    # Tagged: each rank of tags asked for is at most four queries (the newest sharing a tag,
    # dated and undated; those sharing the most; the tags they share).
    assert queries(article(1, tagged=True)) <= 8
    assert queries(article(10, tagged=True)) <= 8
    # Untagged: the people it names, found by one search, however many they are.
    assert queries(article(1, tagged=False)) == queries(article(10, tagged=False))
