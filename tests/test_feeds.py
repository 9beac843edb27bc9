"""The Atom feeds, read as a feed reader reads them (feedparser): entries with their
language, dates, links, summaries and categories; the latest, a topic's, an event's and a
search's; bad parameters; the queries."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import feeds
from archive.models import Article
from tests.factories import ArticleFactory, EventFactory, TopicFactory

pytestmark = pytest.mark.django_db


def parsed(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def titles(feed):
    return [entry.title for entry in feed.entries]


def test_an_entry_has_its_language_dates_link_summary_and_categories(client, tagged):
    feed = parsed(client.get("/feeds/latest.atom"))
    assert feed.feed.title == "Latest articles — US–China Archive"
    assert feed.feed.link == "http://testserver/articles/"
    assert feed.feed.language == "en"
    assert titles(feed) == ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]
    call = tagged["call"]
    entry = feed.entries[1]
    assert entry.title_detail.language == "fr"
    assert entry.summary_detail.language == "fr"
    assert entry.link == f"http://testserver{call.get_absolute_url()}"
    assert entry.id == f"http://testserver/articles/{call.pk}/"
    # Known to the month: the first day of the month, as the archive stores and sorts it.
    assert entry.published == "2025-06-01T00:00:00+00:00"
    assert entry.updated_parsed[:6] == call.updated_at.utctimetuple()[:6]
    # The plain text with its angle brackets, as a feed reader shows it.
    assert entry.summary == "Les tarifs &lt;et&gt; les terres rares."
    assert [tag.term for tag in entry.tags] == ["Trade and tariffs", "Trump–Xi phone call"]
    assert entry.author == "Le Monde"
    english = feed.entries[0]
    assert (english.title_detail.language, english.published) == ("en", "2025-10-25T00:00:00+00:00")
    assert "author" not in english


def test_an_undated_article_has_no_published_date_but_is_updated(client):
    article = ArticleFactory(title="Undated", published=None)
    (entry,) = parsed(client.get("/feeds/latest.atom")).entries
    assert "published" not in entry
    assert entry.updated_parsed[:6] == article.updated_at.utctimetuple()[:6]


def test_a_title_is_text(client):
    ArticleFactory(title='Tariffs <up> & "away"', standfirst="A & B <c>")
    (entry,) = parsed(client.get("/feeds/latest.atom")).entries
    assert entry.title == 'Tariffs <up> & "away"'
    assert entry.summary == "A &amp; B &lt;c&gt;"


def test_control_characters_a_loaded_text_may_hold_are_left_out_of_an_entry(client):
    topic = TopicFactory(name="Trade\x1b")
    ArticleFactory(
        title="Tariffs\x1bup\x01", standfirst="A\x0cB", source_name="Wire\x1b", topics=[topic]
    )
    (entry,) = parsed(client.get("/feeds/latest.atom")).entries
    assert (entry.title, entry.summary, entry.author) == ("Tariffsup", "AB", "Wire")
    assert [tag.term for tag in entry.tags] == ["Trade"]


@pytest.mark.parametrize("q", ["a%01b", "rare%1Bearths", "%00"])
def test_a_searchs_feed_with_control_characters_in_its_query(client, tagged, q):
    feed = parsed(client.get(f"/articles/feed.atom?q={q}"))
    assert "\x1b" not in feed.feed.title
    assert "\x01" not in feed.feed.title


def test_at_most_fifty_entries_newest_first(client):
    for day in range(55):
        ArticleFactory(published=datetime.date(2025, 1, 1) + datetime.timedelta(days=day))
    feed = parsed(client.get("/feeds/latest.atom"))
    newest = Article.objects.newest_first()[:50]
    assert [entry.id for entry in feed.entries] == [
        f"http://testserver/articles/{article.pk}/" for article in newest
    ]


def test_a_topics_feed(client, tagged):
    feed = parsed(client.get("/topics/trade/feed.atom"))
    assert feed.feed.title == "Trade and tariffs — US–China Archive"
    assert feed.feed.link == "http://testserver/topics/trade/"
    assert titles(feed) == ["Kuala Lumpur talks", "L'appel Trump-Xi"]
    assert client.get("/topics/no-such-topic/feed.atom").status_code == 404


def test_an_events_feed(client, tagged):
    feed = parsed(client.get("/events/trump-xi-call-2025/feed.atom"))
    assert feed.feed.title == "Trump–Xi phone call — US–China Archive"
    assert feed.feed.link == "http://testserver/events/trump-xi-call-2025/"
    assert titles(feed) == ["L'appel Trump-Xi"]
    assert client.get("/events/no-such-event/feed.atom").status_code == 404


def test_a_searchs_feed_takes_the_parameters_of_the_list(client, tagged):
    feed = parsed(client.get("/articles/feed.atom?q=rare&page=2"))
    assert feed.feed.title == "Articles matching “rare” — US–China Archive"
    assert feed.feed.link == "http://testserver/articles/?q=rare"
    self_link = next(link for link in feed.feed.links if link.rel == "self")
    assert self_link.href == "http://testserver/articles/feed.atom?q=rare&page=2"
    # Newest first, not best match first: a feed is read for what is new.
    assert titles(feed) == ["Kuala Lumpur talks", "L'appel Trump-Xi"]
    feed = parsed(client.get("/articles/feed.atom?q=rare&sort=oldest"))
    assert titles(feed) == ["L'appel Trump-Xi", "Kuala Lumpur talks"]
    feed = parsed(client.get("/articles/feed.atom?language=fr"))
    assert (feed.feed.title, titles(feed)) == (
        "Articles of this list — US–China Archive",
        ["L'appel Trump-Xi"],
    )
    assert titles(parsed(client.get("/articles/feed.atom?q=nothingmatches"))) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("language=xx", "language: Select a valid choice. xx is not one of the available choices."),
        ("date_to=soon", "date_to: Enter a valid date."),
        ("event=%00", "event: Control characters are not allowed (U+0000)."),
    ],
)
def test_a_searchs_feed_refuses_a_parameter_that_is_not_valid(client, tagged, query, message):
    response = client.get(f"/articles/feed.atom?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"No feed: some parameters are not valid.\n\n{message}\n"


@pytest.mark.parametrize(
    "url", ["/feeds/latest.atom", "/topics/trade/feed.atom", "/articles/feed.atom?q=tariffs"]
)
def test_the_queries_do_not_grow_with_the_entries(client, url):
    topic, event = TopicFactory(slug="trade"), EventFactory()

    def articles(count):
        for _ in range(count):
            ArticleFactory(title="Tariffs", topics=[topic], events=[event])

    articles(2)
    with CaptureQueriesContext(connection) as few:
        parsed(client.get(url))
    articles(30)
    with CaptureQueriesContext(connection) as many:
        assert len(parsed(client.get(url)).entries) == 32
    assert len(many) == len(few)


def test_feed_link_for_the_pages(tagged):
    topic = tagged["call"].topics.get()
    event = tagged["call"].events.get()
    assert feeds.feed_link("latest") == {
        "url": "/feeds/latest.atom",
        "title": "Latest articles (Atom) — US–China Archive",
    }
    assert feeds.feed_link("topic", topic) == {
        "url": "/topics/trade/feed.atom",
        "title": "Articles on Trade and tariffs (Atom) — US–China Archive",
    }
    assert feeds.feed_link("event", event)["url"] == "/events/trump-xi-call-2025/feed.atom"
    assert feeds.feed_link("search", query="q=rare+earths&language=fr") == {
        "url": "/articles/feed.atom?q=rare+earths&language=fr",
        "title": "Articles matching “rare earths” (Atom) — US–China Archive",
    }
    assert feeds.feed_link("search")["url"] == "/articles/feed.atom"
    with pytest.raises(ValueError, match="No feed of the kind 'language'"):
        feeds.feed_link("language")


def test_each_feed_link_answers(client, tagged):
    topic = tagged["call"].topics.get()
    for link in [
        feeds.feed_link("latest"),
        feeds.feed_link("topic", topic),
        feeds.feed_link("event", tagged["call"].events.get()),
        feeds.feed_link("search", query="q=rare"),
    ]:
        assert parsed(client.get(link["url"])).entries
