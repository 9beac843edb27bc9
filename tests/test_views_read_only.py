"""The public pages take GET and HEAD only: any other method is a 405, even without a CSRF
token (they have no form to protect), and names the methods allowed."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/articles/",
    "/articles/?q=tariffs",
    "/events/",
    "/events/trump-xi-call-2025/",
    "/topics/",
    "/topics/trade/",
    "/languages/",
    "/languages/fr/",
    "/api/articles/",
    "/articles/export.csv",
    "/articles/export.json",
    "/articles/feed.atom",
    "/feeds/latest.atom",
    "/topics/trade/feed.atom",
    "/events/trump-xi-call-2025/feed.atom",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/robots.txt",
    "/opensearch.xml",
    "/healthz",
]


@pytest.mark.parametrize("path", PUBLIC)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_method_on_a_public_page_is_a_405(tagged, path, method):
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_an_article_page_and_its_side_by_side_view_are_read_only(seeds):
    client = Client(enforce_csrf_checks=True)
    article, translation = seeds["004"], seeds["004-vi"]
    for path in [
        article.get_absolute_url(),
        f"{article.get_absolute_url()}beside/{translation.pk}/",
    ]:
        assert client.post(path).status_code == 405
        assert client.head(path).status_code == 200


@pytest.mark.parametrize("path", PUBLIC)
def test_head_answers_as_get_does(tagged, path):
    assert Client().head(path).status_code == 200


def test_every_page_says_how_browsers_may_treat_it(client, tagged):
    response = client.get("/articles/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
