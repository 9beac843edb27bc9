"""Property-based fuzzing of every public URL and of the API: whatever a request carries in its
query string or its path, the archive answers below 500, with a body that is whole in its
own format, and a refusal that names what was refused.

Each route gets its share of ARCHIVE_FUZZ_EXAMPLES requests (one request an example), over
the seed articles and a few topics and events of the factories, loaded once for the module
and rolled back after it. `make fuzz` sends 10,000 (docs/development.md#fuzzing).
"""

import csv
import io
import json
import os
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.accounts import editor_create
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

# Requests in all over the routes below; small enough for the default run to stay quick.
EXAMPLES = int(os.environ.get("ARCHIVE_FUZZ_EXAMPLES", "500"))

# --- What the fuzz sends ----------------------------------------------------------------------

# Search syntax of both backends (FTS5 and tsquery), SQL and URL punctuation, and text that
# is hard to fold, split or encode.
TOKENS = [
    *['"', "'", "*", "NEAR(", "NEAR(a b, 3)", "AND", "OR", "NOT", "-", ":", "^", "&", "|"],
    *["!", "<->", "<2>", "(", ")", "((", "))", "\\", "%", "_", "{", "}", "[", "]", ";", "--"],
    *["/*", "*/", "''", '""', '"unbalanced', "a*b", "*a", "a**", "-(", "!!", "title:x", "a:*"],
    *["OR OR", "AND NOT", "- -", '"""', "(a OR", "b)", "NEAR", "near/3", "^a", "a&b|c"],
    *["\x00", "\x1b", "\x7f", "\x85", "\ufeff", "\u202e", "\u200f", "\u200b", "\u2028"],
    *["e\u0301", "\u0301", "a\u0308\u0308\u0308", "普京", "稀土", "关税", "東京", "שלום"],
    *["مرحبا", "đất hiếm", "Poetin", "tarifs", "rare earths", "👨‍👩‍👧", "🇨🇳", "\U0001f600"],
    *["ǅ", "İ", "ß", "ﬁ", "ﷺ", "\u3000", "\u00a0", "\t", "\n", "\r\n", " ", "\ud7ff"],
    *["\ue000", "\ufffd", "\ufffe", "\uffff", "\U0010ffff", "<script>", "&amp;", "%00"],
    *["0", "-1", "1e999", "NaN", "inf", "-0", "0x10", "1_000", "1.5", "٣", "²", "Ⅻ"],
]
# What a date parameter might be sent: impossible, out of range, in another form.
DATES = [
    *["2025-02-30", "0000-01-01", "99999-01-01", "2025-13-01", "2025-00-10", "-2025-01-01"],
    *["2025-1-1", "1-01-01", "9999-12-31", "0001-01-01", "2025/06/05", "05/06/2025"],
    *["2025-06-05T00:00", "20250605", "2025-06", "2025", "2024-02-29", "2023-02-29"],
    *["10/25/06", "2025-06-05\x00", "２０２５-０６-０５", "1970-01-01", "2038-01-19"],
]
# Fragments sent as they are in a raw query string: broken UTF-8 (a surrogate, a cut
# sequence, an overlong slash), stray percent signs and separators.
RAW_FRAGMENTS = [
    *["%FF%FE", "%ED%A0%80", "%ED%BF%BF", "%F0%9F", "%C0%AF", "%E2%80%AE", "%00", "%"],
    *["%%", "%G0", "%2", "+", "&", "&&", "=", "==", ";", "#", "%23", "%26", "%3D", "\xff"],
    *["\xfe\xff", "\xc3", "%E6%99%AE%E4%BA%AC", "%2F..%2F", "%0D%0A"],
]
# The parameters the archive reads (archive/filters.py, the sitemaps' p, the admin's list),
# and some it does not.
PARAMETERS = [
    *["q", "sort", "language", "topic", "event", "year", "translated", "date_from"],
    *["date_to", "source", "page", "expand", "p"],
]
OTHER_PARAMETERS = ["", "Q", "q[]", "page_size", "format", "callback", "o", "e", "all", "_"]
ADMIN_MODELS = ["article", "topic", "event", "language", "concept", "tagsuggestion"]
ADMIN_PARAMETERS = [
    *["q", "o", "p", "all", "e", "_to_field", "_popup", "attention", "language", "topic"],
    *["event", "year", "translated", "tags", "pending", "headline", "near_duplicate"],
    *["date_precision__exact", "published__year", "published__month", "published__day"],
    *["language__code__exact", "topics__id__exact", "pk__in", "title__regex", "name"],
    *["name__iregex", "source_name", "code", "slug__startswith", "article__title"],
]


@dataclass(frozen=True)
class Archive:
    """What the loaded archive holds, for paths and values that exist."""

    topics: tuple
    events: tuple
    languages: tuple
    sources: tuple
    articles: tuple  # (id, slug)
    pairs: tuple  # (id, slug, the id of another language version)


def choice_values(archive):
    """Values the archive would take, so that hostile values meet working filters."""
    return [
        *archive.topics,
        *archive.events,
        *archive.languages,
        *archive.sources,
        *["relevance", "newest", "oldest", "yes", "no", "0", "1", "2", "2025", "2024"],
    ]


def hostile_text(archive):
    words = st.sampled_from(TOKENS + DATES + choice_values(archive))
    return st.one_of(
        st.text(max_size=30),
        words,
        st.lists(st.one_of(words, st.text(max_size=8)), max_size=12).map(" ".join),
        st.lists(words, max_size=12).map("".join),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.builds(
            lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
            st.integers(-1, 100_000),
            st.integers(0, 13),
            st.integers(0, 32),
        ),
        # Long values, up to a few KB.
        st.builds(lambda word, times: word * times, words, st.integers(50, 600)).map(
            lambda text: text[:4000]
        ),
    )


def parameter_names(names):
    return st.one_of(st.sampled_from(names), st.sampled_from(OTHER_PARAMETERS), st.text(max_size=8))


def encoded_query(archive, names):
    """A query string as a browser or a client library would send it."""
    pair = st.tuples(parameter_names(names), hostile_text(archive))
    # A parameter repeated past the filters' limit of values (archive.filters.MOST_VALUES).
    repeated = st.builds(
        lambda name, values: [(name, value) for value in values],
        st.sampled_from(names),
        st.lists(hostile_text(archive), min_size=2, max_size=30),
    )
    pairs = st.builds(
        lambda some, more: some + more, st.lists(pair, max_size=8), st.one_of(st.just([]), repeated)
    )
    return pairs.map(lambda pairs: urllib.parse.urlencode(pairs))


def raw_query(archive, names):
    """A query string as anyone may type it: unencoded text, broken percent-encodings and
    bytes that are not UTF-8, as a server hands them on (WSGI's latin-1 string)."""
    piece = st.one_of(
        st.sampled_from(RAW_FRAGMENTS),
        hostile_text(archive).map(lambda text: text.replace("&", "").replace("=", "")),
    )
    value = st.lists(piece, max_size=6).map("".join)
    pair = st.builds(lambda name, value: f"{name}={value}", parameter_names(names), value)
    query = st.lists(st.one_of(pair, piece), max_size=8).map("&".join)
    return query.map(lambda text: text.encode("utf-8", "surrogatepass").decode("latin-1"))


def query_strings(archive, names=PARAMETERS):
    return st.one_of(encoded_query(archive, names), raw_query(archive, names))


def segment(values):
    """A path segment: one of `values` (that exist), or anything, percent-encoded or raw."""
    anything = st.one_of(
        st.from_regex(r"[-a-zA-Z0-9_]{1,300}", fullmatch=True),
        st.text(max_size=40),
        st.sampled_from(TOKENS),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.just("9" * 5000),
    ).map(lambda text: urllib.parse.quote(text, safe=""))
    return st.one_of(st.sampled_from(values), anything, st.sampled_from(RAW_FRAGMENTS))


def number(values):
    return st.one_of(
        st.sampled_from(values),
        st.integers(min_value=0, max_value=10**40).map(str),
        st.sampled_from(["0", "00", "1" + "0" * 30, "9" * 5000]),
    )


# --- The routes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    paths: object  # archive -> a strategy of paths
    weight: int = 1  # its share of the requests
    parameters: tuple = tuple(PARAMETERS)
    signed_in: bool = False
    query_prefix: str = ""  # parameters every request of the route starts with


def fixed(*paths):
    def strategy(archive):
        return st.sampled_from(paths)

    strategy.first = paths[0]
    return strategy


ROUTES = [
    Route("pages without parameters", fixed("/", "/events/", "/topics/", "/languages/"), 2),
    Route("site files", fixed("/robots.txt", "/healthz", "/opensearch.xml", "/sitemap.xml")),
    Route("results", fixed("/articles/"), 4),
    Route("api", fixed("/api/articles/"), 4),
    Route("exports", fixed("/articles/export.csv", "/articles/export.json"), 3),
    Route("search feed", fixed("/articles/feed.atom"), 3),
    Route("latest feed", fixed("/feeds/latest.atom")),
    Route(
        "topic page",
        lambda archive: segment(archive.topics).map(lambda slug: f"/topics/{slug}/"),
        3,
    ),
    Route(
        "event page",
        lambda archive: segment(archive.events).map(lambda slug: f"/events/{slug}/"),
        3,
    ),
    Route(
        "language page",
        lambda archive: segment(archive.languages).map(lambda code: f"/languages/{code}/"),
        3,
    ),
    Route(
        "topic and event feeds",
        lambda archive: st.one_of(
            segment(archive.topics).map(lambda slug: f"/topics/{slug}/feed.atom"),
            segment(archive.events).map(lambda slug: f"/events/{slug}/feed.atom"),
        ),
    ),
    Route(
        "sitemap sections",
        lambda archive: segment(["pages", "articles", "topics", "events", "languages"]).map(
            lambda section: f"/sitemap-{section}.xml"
        ),
    ),
    Route(
        "article",
        lambda archive: st.one_of(
            number([str(pk) for pk, _ in archive.articles]).map(lambda pk: f"/articles/{pk}/"),
            st.builds(
                lambda pk, slug: f"/articles/{pk}/{slug}/",
                number([str(pk) for pk, _ in archive.articles]),
                segment([slug for _, slug in archive.articles]),
            ),
        ),
        2,
    ),
    Route(
        "side by side",
        lambda archive: st.builds(
            lambda pk, slug, other: f"/articles/{pk}/{slug}/beside/{other}/",
            number([str(pk) for pk, _, _ in archive.pairs]),
            segment([slug for _, slug, _ in archive.pairs]),
            number([str(other) for _, _, other in archive.pairs]),
        ),
        2,
    ),
    Route(
        "unknown paths",
        lambda archive: st.lists(segment(["articles", "api", "admin", ".."]), max_size=4).map(
            lambda parts: "/" + "/".join(parts)
        ),
    ),
    # Not public, but the editors' lists hand what they are given to the database, the
    # articles' through the archive's search.
    Route(
        "admin lists",
        lambda archive: st.sampled_from([f"/admin/archive/{model}/" for model in ADMIN_MODELS]),
        3,
        parameters=tuple(ADMIN_PARAMETERS),
        signed_in=True,
    ),
    Route(
        "admin autocomplete",
        fixed("/admin/autocomplete/"),
        parameters=("term", "page", "q"),
        signed_in=True,
        query_prefix="app_label=archive&model_name=article&field_name=translation_of&",
    ),
]


# A path of each route that exists, for the query strings every route is sent.
SAMPLE_PATHS = {
    "topic page": lambda archive: f"/topics/{archive.topics[-1]}/",
    "event page": lambda archive: f"/events/{archive.events[-1]}/",
    "language page": lambda archive: "/languages/fr/",
    "topic and event feeds": lambda archive: f"/topics/{archive.topics[-1]}/feed.atom",
    "sitemap sections": lambda archive: "/sitemap-articles.xml",
    "article": lambda archive: "/articles/{}/{}/".format(*archive.articles[0]),
    "side by side": lambda archive: "/articles/{}/{}/beside/{}/".format(*archive.pairs[0]),
    "unknown paths": lambda archive: "/nowhere/",
    "admin lists": lambda archive: "/admin/archive/article/",
}


def sample_path(route, archive):
    if route.name in SAMPLE_PATHS:
        return SAMPLE_PATHS[route.name](archive)
    return route.paths.first


# Sent to every route as they are, whatever Hypothesis draws.
HOSTILE_QUERIES = {
    "undecodable percent-encodings": "q=%FF%FE&topic=%FF%FE&page=%FF&%FF%FE=%ED%A0%80",
    "raw bytes that are not UTF-8": "q=\xff\xfe&language=\xc3&source=\xed\xa0\x80",
    "an encoded surrogate": "q=%ED%A0%80%ED%BF%BF&term=%ED%A0%80",
    "a parameter 21 times": "&".join(f"language=x{n}" for n in range(21)),
    "10,001 parameters": "&".join("q=a" for _ in range(10_001)),
    "impossible dates": "date_from=2025-02-30&date_to=0000-01-01&year=99999",
    "a long query": "q=" + "%22a%20OR%20NEAR(" * 250,
    "a huge page": "page=" + "9" * 5000 + "&p=" + "9" * 5000,
    "nul everywhere": "&".join(f"{name}=%00" for name in PARAMETERS + ADMIN_PARAMETERS),
}


def share(route):
    """The route's number of requests: its weighted part of EXAMPLES, at least one."""
    return max(1, round(EXAMPLES * route.weight / sum(r.weight for r in ROUTES)))


METHODS = ["GET"] * 6 + ["HEAD", "POST", "OPTIONS", "PUT", "DELETE"]

# --- The archive fuzzed, loaded once ----------------------------------------------------------

answers = Counter()


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, request):
    """The seeds and a few topics, events and articles of the factories, loaded once for
    the module in a transaction that is rolled back after it."""
    from django.conf import settings as django_settings

    from archive.ingest.services import articles_load

    started = time.perf_counter()
    with django_db_blocker.unblock(), transaction.atomic():
        outcomes = list(articles_load(paths=[django_settings.BASE_DIR / "seeds"]))
        assert [o.status for o in outcomes if o.article] == ["created"] * 6
        untouched = TopicFactory(name="A topic with no articles", slug="empty")
        undated = EventFactory(name="An undated event", slug="undated", start_date=None)
        ArticleFactory(
            title="An undated article",
            published=None,
            date_precision="unknown",
            language=LanguageFactory(code="de"),
            topics=[untouched],
            events=[undated],
            source_name="Die Zeit",
        )
        from archive.models import Article, Event, Language, Topic

        articles = list(Article.objects.order_by("pk"))
        loaded = Archive(
            topics=tuple(Topic.objects.values_list("slug", flat=True)),
            events=tuple(Event.objects.values_list("slug", flat=True)),
            languages=tuple(Language.objects.values_list("code", flat=True)[:20]),
            sources=tuple({a.source_name for a in articles if a.source_name}),
            articles=tuple((a.pk, a.slug) for a in articles),
            pairs=tuple(
                (a.pk, a.slug, other.pk)
                for a in articles
                for other in a.translations()
                if other.pk != a.pk
            ),
        )
        assert loaded.pairs, "the seeds hold a translation"
        editor_create(username="fuzz-editor", password="a-long-password-for-fuzz")
        yield loaded
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter and capture and answers:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(answers.items()))
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nfuzz: {sum(answers.values())} requests over {len(ROUTES)} routes in "
                f"{elapsed:.1f} s (loading included); answers by status: {statuses}"
            )


# --- The checks -------------------------------------------------------------------------------


def send(client, method, path, query):
    """The response and its body, read in a savepoint of its own: on PostgreSQL a failed
    query spoils the transaction, and every request after it (Hypothesis shrinking the
    failure) would fail for that alone. A streamed export fails here if it fails at all."""
    with transaction.atomic():
        response = client.generic(method, path, QUERY_STRING=query)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def signed_in_client(route):
    client = Client()
    if route.signed_in:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="fuzz-editor"))
    return client


def check_answer(response, body, method, path, query):
    """The properties every answer has, whatever was asked."""
    answers[response.status_code] += 1
    where = f"{method} {path}?{query!r}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if method in ("HEAD", "OPTIONS") or response.status_code in (301, 302, 304, 405):
        return
    kind = response.get("Content-Type", "").split(";")[0]
    text = body.decode("utf-8")
    if kind == "text/html":
        assert text.rstrip().endswith("</html>"), f"{where}: the page is cut short"
        if response.status_code == 400:
            assert "Bad Request (400)" not in text, f"{where}: a 400 that names nothing"
        form_errors_named(response, text, where)
    elif kind == "application/json":
        document = json.loads(text)
        if response.status_code == 400:
            assert document["error"], where
            assert document["errors"], f"{where}: a 400 that names no parameter"
    elif kind in ("application/atom+xml", "application/xml", "text/xml") or kind.endswith("+xml"):
        ElementTree.fromstring(body)  # well-formed, whatever the query put in its title
    elif kind == "text/csv":
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert rows[0][0] == "id", where
    elif kind == "text/plain" and response.status_code == 400:
        assert "some parameters are not valid" in text, where
        assert len(text.splitlines()) > 2, f"{where}: a 400 that names no parameter"


def form_errors_named(response, text, where):
    """A results page names each filter it did not understand (and ignores it)."""
    filterset = (response.context or {}).get("filter") if response.context else None
    if filterset is None or not hasattr(filterset, "form"):
        return
    if filterset.form.errors:
        assert "not understood and are ignored" in text, where
        from django.utils.html import escape

        for errors in filterset.form.errors.values():
            for error in errors:
                assert escape(error) in text, f"{where}: {error!r} is not on the page"


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_no_request_makes_a_page_fail(archive, route):
    client = signed_in_client(route)

    @settings(
        max_examples=share(route),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        method=st.sampled_from(METHODS),
        path=route.paths(archive),
        query=query_strings(archive, list(route.parameters)).map(
            lambda query: route.query_prefix + query
        ),
    )
    def fuzzed(method, path, query):
        check_answer(*send(client, method, path, query), method, path, query)

    fuzzed()


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=list(HOSTILE_QUERIES))
def test_every_route_takes_the_worst_query_strings(archive, query):
    for route in ROUTES:
        path = sample_path(route, archive)
        query = route.query_prefix + query
        check_answer(*send(signed_in_client(route), "GET", path, query), "GET", path, query)
