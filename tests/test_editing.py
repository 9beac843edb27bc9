"""Tagging many articles at once (archive.editing)."""

import pytest

from archive.editing import articles_tag, articles_untag
from archive.models import Article
from archive.search.cache import data_version
from tests.factories import ArticleFactory, EventFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _facet(search, name):
    return {row["label"]: row["count"] for row in search.facets()[name]}


def test_tagging_adds_the_event_to_the_articles_without_it_and_counts_them():
    event = EventFactory(name="Blinken visit")
    had = ArticleFactory(events=[event])
    others = ArticleFactory.create_batch(3)
    untouched = ArticleFactory()
    selected = Article.objects.filter(pk__in=[had.pk, *(a.pk for a in others)])

    assert articles_tag(articles=selected, event=event) == 3

    assert set(event.articles.all()) == {had, *others}
    assert not untouched.events.exists()
    assert articles_tag(articles=selected, event=event) == 0


def test_untagging_takes_the_topic_away_and_counts_the_articles_that_had_it():
    topic, kept = TopicFactory(), TopicFactory()
    tagged = ArticleFactory.create_batch(2, topics=[topic, kept])
    bare = ArticleFactory()
    elsewhere = ArticleFactory(topics=[topic])
    selected = Article.objects.filter(pk__in=[*(a.pk for a in tagged), bare.pk])

    assert articles_untag(articles=selected, topic=topic) == 2

    assert list(topic.articles.all()) == [elsewhere]
    assert all(list(article.topics.all()) == [kept] for article in tagged)


def test_a_selection_that_repeats_an_article_through_a_join_counts_it_once():
    topic, event = TopicFactory(), EventFactory()
    article = ArticleFactory(topics=[topic, TopicFactory()])
    # Filtering through the topics join yields the article once per topic.
    selected = Article.objects.filter(topics__isnull=False)
    assert selected.count() == 2
    assert articles_tag(articles=selected, event=event) == 1
    assert list(article.events.all()) == [event]


def test_three_hundred_articles_are_tagged_in_a_few_queries(django_assert_max_num_queries):
    event, topic = EventFactory(), TopicFactory()
    ArticleFactory.create_batch(300)
    selected = Article.objects.all()
    with django_assert_max_num_queries(6):
        assert articles_tag(articles=selected, event=event) == 300
    with django_assert_max_num_queries(6):
        assert articles_tag(articles=selected, topic=topic) == 300
    with django_assert_max_num_queries(6):
        assert articles_untag(articles=selected, event=event) == 300
    assert event.articles.count() == 0
    assert topic.articles.count() == 300


def test_either_an_event_or_a_topic_is_given():
    with pytest.raises(ValueError, match="either an event or a topic"):
        articles_tag(articles=Article.objects.all())
    with pytest.raises(ValueError, match="either an event or a topic"):
        articles_untag(articles=Article.objects.all(), event=EventFactory(), topic=TopicFactory())


def test_a_search_follows_a_bulk_tag_at_once(seeds):
    event = EventFactory(name="Blinken visit", slug="blinken-visit")
    before = data_version()
    assert "Blinken visit" not in _facet(Article.objects.search("rare earths"), "event")

    matching = Article.objects.filter(
        pk__in=Article.objects.search("rare earths").articles.values("pk")
    )
    tagged = articles_tag(articles=matching, event=event)

    assert tagged >= 1
    assert data_version() != before
    assert _facet(Article.objects.search("rare earths"), "event")["Blinken visit"] == tagged
    untagged = articles_untag(articles=matching, event=event)
    assert untagged == tagged
    assert "Blinken visit" not in _facet(Article.objects.search("rare earths"), "event")
