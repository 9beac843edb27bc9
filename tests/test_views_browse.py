"""The home page and the indexes of events, topics and languages, as a reader sees them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_home_has_the_search_box_first_then_the_archive_at_a_glance(client, seeds):
    page = client.get("/").content.decode()
    main = page.split('<main id="content"', 1)[1]
    assert main.index('role="search"') < main.index("Latest articles")
    assert 'action="/articles/"' in main
    assert re.search(
        r'<a href="/articles/">6 articles</a> in <a href="/languages/">4 languages</a>', main
    )
    assert re.search(r'href="/languages/nl/">Dutch</a> <span class="count">2</span>', main)
    assert re.search(
        r'href="/topics/trade-and-tariffs/">Trade and tariffs</a> <span class="count">\d+</span>',
        main,
    )
    latest = main.split('id="latest-heading"')[1].split("</section>")[0]
    assert latest.count('<article class="card">') == 6
    assert latest.index("Les discussions portent") < latest.index("China en de VS")  # newest first
    events = main.split('id="events-heading"')[1].split("</section>")[0]
    assert events.count("<li>") == 5
    assert "30 October 2025" in events
    assert 'class="chart-svg"' in main
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/latest.atom"' in page


def test_home_of_an_empty_archive(client):
    page = client.get("/").content.decode()
    assert "0 articles" in page
    assert "No articles yet." in page
    assert "chart-svg" not in page


def test_the_events_timeline_groups_events_by_year_newest_first(client, db):
    call = EventFactory(
        name="Trump–Xi phone call", slug="call", start_date=datetime.date(2025, 6, 5), place=""
    )
    EventFactory(
        name="Kuala Lumpur talks",
        slug="kl",
        start_date=datetime.date(2025, 10, 25),
        end_date=datetime.date(2025, 10, 26),
        place="Kuala Lumpur",
    )
    EventFactory(
        name="Sino-Soviet split",
        slug="split",
        start_date=datetime.date(1960, 7, 1),
        date_precision="year",
    )
    EventFactory(name="Undated meeting", slug="undated", start_date=None)
    ArticleFactory.create_batch(2, events=[call])
    page = client.get("/events/").content.decode()
    years = re.findall(r'<h2 id="year-[^"]+">([^<]+)</h2>', page)
    assert years == ["2025", "1960", "Date unknown"]
    assert page.index("Kuala Lumpur talks") < page.index("Trump–Xi phone call")
    assert "25–26 October 2025" in page
    assert re.search(
        r'href="/events/call/">Trump–Xi phone call</a>\s*<span class="meta">2 articles', page
    )
    assert re.search(r'<time datetime="1960-07-01">1960</time>', page)


def test_topics_and_languages_list_their_articles_counts(client, db):
    trade = TopicFactory(name="Trade", slug="trade", description="Tariffs and trade talks.")
    TopicFactory(name="Empty topic", slug="empty")
    dutch = LanguageFactory(code="nl", name_en="Dutch", name_native="Nederlands")
    ArticleFactory.create_batch(3, topics=[trade], language=dutch)
    ArticleFactory()
    page = client.get("/topics/").content.decode()
    assert re.search(
        r'href="/topics/trade/">Trade</a>\s*<span class="count">3 articles</span>', page
    )
    assert "Tariffs and trade talks." in page
    assert re.search(
        r'href="/topics/empty/">Empty topic</a>\s*<span class="count">0 articles</span>', page
    )
    page = client.get("/languages/").content.decode()
    assert re.search(
        r'href="/languages/nl/">Dutch</a>\s*<span lang="nl" class="native-name">'
        r'Nederlands</span>\s*<span class="count">3 articles</span>',
        page,
    )
    assert page.index("Dutch") < page.index("English")  # most articles first


@pytest.mark.parametrize("path", ["/", "/events/", "/topics/", "/languages/"])
def test_the_number_of_queries_does_not_grow_with_the_archive(
    client, db, path, django_assert_max_num_queries
):
    def queries(n):
        topic, event = TopicFactory(), EventFactory(start_date=datetime.date(2025, 1, n))
        ArticleFactory.create_batch(n, topics=[topic], events=[event])
        client.get(path)  # the columns in memory are built once per data version
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as made:
            client.get(path)
        return len(made)

    assert queries(1) == queries(9)
