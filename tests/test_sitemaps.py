"""sitemap.xml: the index of the sections, each section's URLs and lastmod, the articles
paginated, and queries that do not grow with the articles."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article
from archive.sitemaps import ArticleSitemap
from tests.factories import ArticleFactory, LanguageFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def xml(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def locations(root, element="s:url"):
    return [node.findtext("s:loc", namespaces=NS) for node in root.findall(element, NS)]


def lastmods(root, element="s:url"):
    return {
        node.findtext("s:loc", namespaces=NS): node.findtext("s:lastmod", namespaces=NS)
        for node in root.findall(element, NS)
    }


def test_the_index_lists_each_section_with_its_latest_change(client, tagged):
    root = xml(client.get("/sitemap.xml"))
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    sections = ["pages", "articles", "topics", "events", "languages"]
    assert locations(root, "s:sitemap") == [
        f"http://testserver/sitemap-{section}.xml" for section in sections
    ]
    latest = max(article.updated_at for article in tagged.values())
    dated = lastmods(root, "s:sitemap")
    assert dated["http://testserver/sitemap-articles.xml"] == latest.isoformat()
    assert dated["http://testserver/sitemap-languages.xml"] == latest.isoformat()
    assert dated["http://testserver/sitemap-pages.xml"] is None


def test_every_article_with_its_last_change(client, tagged):
    root = xml(client.get("/sitemap-articles.xml"))
    assert lastmods(root) == {
        f"http://testserver{article.get_absolute_url()}": article.updated_at.date().isoformat()
        for article in sorted(tagged.values(), key=lambda article: article.pk)
    }
    assert locations(root) == [
        f"http://testserver{article.get_absolute_url()}"
        for article in Article.objects.order_by("pk")
    ]


def test_the_articles_are_paginated_through_the_index(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [ArticleFactory() for _ in range(5)]
    index = locations(xml(client.get("/sitemap.xml")), "s:sitemap")
    base = "http://testserver/sitemap-articles.xml"
    assert [url for url in index if url.startswith(base)] == [base, f"{base}?p=2", f"{base}?p=3"]
    pages = [locations(xml(client.get(f"/sitemap-articles.xml?p={page}"))) for page in (1, 2, 3)]
    assert pages == [
        [f"http://testserver{article.get_absolute_url()}" for article in articles[start:stop]]
        for start, stop in ((0, 2), (2, 4), (4, 5))
    ]
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


def test_topics_events_languages_and_the_lists(client, tagged):
    LanguageFactory(code="xx")  # no articles: no page worth a visit
    assert locations(xml(client.get("/sitemap-topics.xml"))) == [
        "http://testserver/topics/taiwan/",
        "http://testserver/topics/trade/",
    ]
    trade = lastmods(xml(client.get("/sitemap-topics.xml")))["http://testserver/topics/trade/"]
    latest = max(tagged["call"].updated_at, tagged["talks"].updated_at)
    assert trade == latest.date().isoformat()
    assert locations(xml(client.get("/sitemap-events.xml"))) == [
        "http://testserver/events/trump-xi-call-2025/"
    ]
    assert locations(xml(client.get("/sitemap-languages.xml"))) == [
        "http://testserver/languages/en/",
        "http://testserver/languages/fr/",
    ]
    assert locations(xml(client.get("/sitemap-pages.xml"))) == [
        f"http://testserver{path}"
        for path in ("/", "/articles/", "/topics/", "/events/", "/languages/")
    ]


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-topics.xml"])
def test_the_queries_do_not_grow_with_the_articles(client, tagged, url):
    with CaptureQueriesContext(connection) as few:
        xml(client.get(url))
    for day in range(30):
        ArticleFactory(
            published=datetime.date(2025, 1, 1) + datetime.timedelta(days=day),
            topics=[tagged["call"].topics.get()],
        )
    with CaptureQueriesContext(connection) as many:
        xml(client.get(url))
    assert len(many) == len(few)
