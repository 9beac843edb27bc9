"""robots.txt, the OpenSearch description and the links to it and to a page's feed that
every page's head carries."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from archive.feeds import feed_link

pytestmark = pytest.mark.django_db

OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_endless_urls(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    rules = [line for line in response.content.decode().splitlines() if line and line[0] != "#"]
    assert rules == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /articles/export.csv",
        "Disallow: /articles/export.json",
        "Disallow: /articles/feed.atom",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_robots_txt_names_the_sitemap_on_the_sites_own_scheme(client):
    response = client.get("/robots.txt", secure=True)
    assert "Sitemap: https://testserver/sitemap.xml\n" in response.content.decode()


def test_the_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/opensearchdescription+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{OPENSEARCH}}}OpenSearchDescription"

    def text(name):
        return root.findtext(f"{{{OPENSEARCH}}}{name}")

    assert text("ShortName") == "US–China Archive"
    assert len(text("ShortName")) <= 16  # the specification's limit
    assert text("InputEncoding") == "UTF-8"
    image = root.find(f"{{{OPENSEARCH}}}Image")
    assert image.get("type") == "image/svg+xml"
    assert image.text.startswith("http://testserver/static/favicon.")
    assert client.get(image.text.removeprefix("http://testserver")).status_code == 200
    urls = {url.get("type"): url.get("template") for url in root.findall(f"{{{OPENSEARCH}}}Url")}
    assert urls == {
        "text/html": "http://testserver/articles/?q={searchTerms}",
        "application/atom+xml": "http://testserver/articles/feed.atom?q={searchTerms}",
        "application/opensearchdescription+xml": "http://testserver/opensearch.xml",
    }


def test_every_page_links_the_opensearch_description(client, tagged):
    link = (
        '<link rel="search" type="application/opensearchdescription+xml" '
        'href="/opensearch.xml" title="US–China Archive">'
    )
    for url in ("/", "/articles/?q=rare", tagged["call"].get_absolute_url()):
        response = client.get(url)
        assert link in response.content.decode(), url


def test_a_page_with_a_feed_links_it_in_its_head():
    request = RequestFactory().get("/")
    html = render_to_string("base.html", {"feed": feed_link("search", query="q=a&b=c")}, request)
    head = html.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" href="/articles/feed.atom?q=a&amp;b=c" '
        'title="Articles matching “a” (Atom) — US–China Archive">'
    ) in head
    assert 'rel="alternate"' not in render_to_string("base.html", {}, request)
