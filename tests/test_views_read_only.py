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


def test_every_page_carries_a_content_security_policy_without_inline_code(client, tagged):
    for path in ["/", "/articles/?q=tariffs", "/admin/login/"]:
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"].startswith("'self' 'unsafe-hashes' 'sha256-")
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy


# Whole pages kept for readers without a session, under the data version.


@pytest.fixture
def page_cache(settings):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 600
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 0  # only the page cache can spare the queries


def test_a_page_asked_again_is_read_from_the_cache(
    client, tagged, page_cache, django_assert_num_queries
):
    first = client.get("/articles/?q=tariffs")
    with django_assert_num_queries(1):  # the data version
        again = client.get("/articles/?q=tariffs")
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_an_edit_shows_on_the_next_page_at_once(client, tagged, page_cache):
    assert "Blinken visit" in client.get("/articles/").content.decode()
    tagged["visit"].title = "Blinken in Beijing"
    tagged["visit"].save()
    page = client.get("/articles/").content.decode()
    assert "Blinken in Beijing" in page
    assert "Blinken visit" not in page


def test_an_event_page_shows_a_name_added_in_another_language(client, tagged, page_cache):
    from archive.models import EventAlias
    from tests.factories import LanguageFactory

    event_page = "/events/trump-xi-call-2025/"
    assert "特朗普与习近平通话" not in client.get(event_page).content.decode()
    EventAlias.objects.create(
        event=tagged["call"].events.get(),
        language=LanguageFactory(code="zh"),
        text="特朗普与习近平通话",
    )
    assert "特朗普与习近平通话" in client.get(event_page).content.decode()


def test_a_signed_in_editor_always_gets_a_fresh_page(
    client, tagged, page_cache, admin_user, django_assert_max_num_queries
):
    client.get("/articles/?q=tariffs")
    client.force_login(admin_user)
    with django_assert_max_num_queries(100) as captured:
        client.get("/articles/?q=tariffs")
    assert len(captured) > 1


def test_the_host_is_part_of_what_is_remembered(client, tagged, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "archive.example.org"]
    assert "http://testserver/" in client.get("/feeds/latest.atom").content.decode()
    other = client.get("/feeds/latest.atom", HTTP_HOST="archive.example.org").content.decode()
    assert "http://archive.example.org/" in other
    assert "testserver" not in other


def test_an_export_is_streamed_fresh_each_time(
    client, tagged, page_cache, django_assert_max_num_queries
):
    b"".join(client.get("/articles/export.csv").streaming_content)
    with django_assert_max_num_queries(100) as captured:
        rows = b"".join(client.get("/articles/export.csv").streaming_content)
    assert len(captured) > 1
    assert rows.count(b"\n") == 4  # a header and three articles


def test_an_error_page_is_not_kept(client, tagged, page_cache, django_assert_max_num_queries):
    assert client.get("/topics/no-such-topic/").status_code == 404
    with django_assert_max_num_queries(100) as captured:
        assert client.get("/topics/no-such-topic/").status_code == 404
    assert len(captured) > 1


def test_the_health_check_is_never_kept(client, page_cache, monkeypatch):
    from django.db import OperationalError, connection

    assert client.get("/healthz").status_code == 200

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refused)
    response = client.get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 503


def test_a_page_for_https_is_kept_apart_from_its_http_twin(client, tagged, page_cache):
    assert "http://testserver/articles/" in client.get("/feeds/latest.atom").content.decode()
    secure = client.get("/feeds/latest.atom", secure=True).content.decode()
    assert "https://testserver/articles/" in secure
    assert "http://testserver/articles/" not in secure


def test_a_session_cookie_that_signs_no_one_in_still_gets_the_kept_page(
    client, tagged, page_cache, django_assert_max_num_queries
):
    first = client.get("/articles/?q=tariffs")
    client.cookies["sessionid"] = "not-a-session"
    with django_assert_max_num_queries(2):  # the session looked up, the data version
        again = client.get("/articles/?q=tariffs")
    assert again.content == first.content


def test_a_new_release_or_a_new_day_renders_the_page_again(
    client, tagged, page_cache, monkeypatch, django_assert_max_num_queries
):
    import datetime

    client.get("/articles/?q=tariffs")
    monkeypatch.setattr("archive.views.release", lambda: "another-release")
    with django_assert_max_num_queries(100) as captured:
        client.get("/articles/?q=tariffs")
    assert len(captured) > 1
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr("archive.views.timezone.localdate", lambda: tomorrow)
    with django_assert_max_num_queries(100) as captured:
        client.get("/articles/?q=tariffs")
    assert len(captured) > 1


def test_a_page_holding_a_csrf_token_is_never_kept_for_others(rf, db, page_cache):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from archive.views import read_only

    page = read_only(lambda request: HttpResponse(get_token(request)))
    first, second = page(rf.get("/form/")), page(rf.get("/form/"))
    assert first.content != second.content
    assert "private" in first["Cache-Control"]
