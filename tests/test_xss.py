"""Hostile text in everything the archive shows, what an editor typed or a reader searched for:
every kind of answer shows it as text and never as markup. HTML pages escape it and link
no javascript: URL, Atom feeds escape it once more in their HTML summaries, the API's HTML
snippets escape it, and the JSON and CSV that carry it as data are never read as a page.

The probes set window.__xss or call alert(), which tests/test_browser_xss.py watches for in
Chromium on the same pages (the fixtures and pages here are shared with it).
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from archive.accounts import editor_create
from archive.models import Article, Concept, ConceptLabel, EventAlias, TopicKeyword
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db

# Each probe names where it was put, so that a failure says which field got through.
PROBES = [
    "<script>window.__xss=1;alert('{where}')</script>",
    '"><img src=x onerror="window.__xss=1;alert(\'{where}\')">',
    "</title><script>window.__xss=1</script>",
    '<svg onload="window.__xss=1"><title>{where}</title></svg>',
    "'-alert('{where}')-'",
    "{{{{ 7*7 }}}}{{% debug %}}",
]
# What must never be in an HTML page, an Atom feed or an HTML snippet as it is.
RAW_MARKUP = ["<script>window.__xss", "<img src=x", "</title><script>", "<svg onload"]
JAVASCRIPT_URL = "javascript:window.__xss=1;alert(document.domain)"
# A word the hostile article has, to find it by, with the probes around it.
WORD = "zebrafish"


def hostile(where):
    return " ".join(probe.format(where=where) for probe in PROBES)


def matching():
    """A search for the planted article's words and probes, which finds it (its unclosed
    quotation mark makes the probes a phrase of the paragraph) and marks them in its
    snippet."""
    return f"{WORD} {hostile('paragraph')}"


@pytest.fixture
def planted(db):
    """An article, its translation, a topic, an event, a language and a concept, every text
    of which holds the probes."""
    language = LanguageFactory(
        code="hx", name_en=hostile("language name")[:100], name_native="<b>hx</b>"[:100]
    )
    topic = TopicFactory(
        name=hostile("topic name")[:200], slug="hostile-topic", description=hostile("topic")
    )
    TopicKeyword.objects.create(topic=topic, text=hostile("keyword")[:200])
    event = EventFactory(
        name=hostile("event name")[:300],
        slug="hostile-event",
        description=hostile("event description"),
        place=hostile("place")[:200],
    )
    EventAlias.objects.create(event=event, text=hostile("alias")[:200], language=language)
    original = ArticleFactory(
        title=f"{WORD} {hostile('headline')}",
        title_en=hostile("English headline"),
        standfirst=hostile("standfirst"),
        blocks=[
            {"kind": "paragraph", "text": f"The {WORD} swims. {hostile('paragraph')}"},
            {"kind": "subheading", "text": hostile("subheading")},
            {"kind": "caption", "text": hostile("caption")},
            {"kind": "paragraph", "text": f"{hostile('second paragraph')} {WORD} again."},
        ],
        language=language,
        source_name=hostile("source name")[:200],
        source_url=JAVASCRIPT_URL,
        topics=[topic],
        events=[event],
    )
    translation = ArticleFactory(
        title=f"{WORD} {hostile('translated headline')}",
        blocks=[{"kind": "paragraph", "text": f"{WORD} {hostile('translated paragraph')}"}],
        source_url="https://example.org/news?a=1&b=<script>",
        translation_of=original,
        topics=[topic],
        events=[event],
    )
    concept = Concept.objects.create(name=hostile("concept")[:200])
    ConceptLabel.objects.create(concept=concept, text=WORD)
    ConceptLabel.objects.create(concept=concept, text=hostile("label")[:200])
    return {
        "article": Article.objects.get(pk=original.pk),
        "translation": Article.objects.get(pk=translation.pk),
        "topic": topic,
        "event": event,
        "language": language,
        "concept": concept,
    }


def q(text):
    from urllib.parse import urlencode

    return urlencode({"q": text})


# The reader's pages (path, given the planted objects), each an HTML page.
HTML_PAGES = {
    "home": lambda o: "/",
    "results": lambda o: f"/articles/?{q(matching())}",
    "results with every filter": lambda o: (
        f"/articles/?{q(WORD)}&language=hx&topic=hostile-topic&event=hostile-event"
        f"&source={q(o['article'].source_name)[2:]}&translated=yes"
    ),
    "results of a phrase": lambda o: f"/articles/?{q(chr(34) + WORD + ' swims' + chr(34))}",
    "no results": lambda o: (
        f"/articles/?{q('nothingmatches ' + hostile('query'))}&topic=hostile-topic"
    ),
    "filters not understood": lambda o: (
        f"/articles/?{q(WORD)}&topic={q(hostile('topic param'))[2:]}"
        f"&date_from={q(hostile('date'))[2:]}&page={q(hostile('page'))[2:]}"
        f"&sort={q(hostile('sort'))[2:]}&year={q(hostile('year'))[2:]}"
    ),
    "topic": lambda o: f"/topics/hostile-topic/?{q(matching())}",
    "event": lambda o: "/events/hostile-event/",
    "language": lambda o: "/languages/hx/",
    "events": lambda o: "/events/",
    "topics": lambda o: "/topics/",
    "languages": lambda o: "/languages/",
    "article": lambda o: o["article"].get_absolute_url(),
    "translation": lambda o: o["translation"].get_absolute_url(),
    "side by side": lambda o: f"{o['article'].get_absolute_url()}beside/{o['translation'].pk}/",
    "not found": lambda o: f"/articles/{q(hostile('path'))[2:]}/",
}
FEEDS = {
    "latest": lambda o: "/feeds/latest.atom",
    "topic": lambda o: "/topics/hostile-topic/feed.atom",
    "event": lambda o: "/events/hostile-event/feed.atom",
    "search": lambda o: f"/articles/feed.atom?{q(matching())}",
}
ADMIN_PAGES = {
    "article list": lambda o: "/admin/archive/article/",
    "article list searched": lambda o: f"/admin/archive/article/?{q(matching())}",
    "article list filtered": lambda o: "/admin/archive/article/?topic=hostile-topic&language=hx",
    "article form": lambda o: f"/admin/archive/article/{o['article'].pk}/change/",
    "article history": lambda o: f"/admin/archive/article/{o['article'].pk}/history/",
    "topic list": lambda o: "/admin/archive/topic/",
    "topic form": lambda o: f"/admin/archive/topic/{o['topic'].pk}/change/",
    "event list": lambda o: "/admin/archive/event/",
    "event form": lambda o: f"/admin/archive/event/{o['event'].pk}/change/",
    "language list": lambda o: "/admin/archive/language/",
    "language form": lambda o: f"/admin/archive/language/{o['language'].pk}/change/",
    "concept list": lambda o: "/admin/archive/concept/",
    "concept form": lambda o: f"/admin/archive/concept/{o['concept'].pk}/change/",
}


# --- What each kind of answer must not carry -------------------------------------------------


class _Elements(HTMLParser):
    """Every element of a page with its attributes (unescaped, as a browser reads them)
    and the text of its inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster"}


def assert_html_is_inert(text, where):
    for markup in RAW_MARKUP:
        assert markup not in text, f"{where}: {markup!r} is in the page as markup"
    parser = _Elements()
    parser.feed(text)
    for tag, attrs in parser.elements:
        assert not (tag == "img" and ("src", "x") in attrs), f"{where}: a planted <img>"
        assert tag != "svg" or not any(n == "onload" for n, _ in attrs), f"{where}: <svg>"
        for name, value in attrs:
            value = (value or "").strip().lower()
            assert not (name.startswith("on") and ("__xss" in value or "alert(" in value)), (
                f"{where}: a planted {name} handler on <{tag}>"
            )
            if name in URL_ATTRIBUTES:
                assert not re.sub(r"[\s\x00-\x1f]", "", value).startswith("javascript:"), (
                    f"{where}: <{tag} {name}={value!r}> runs a script"
                )
    for script in parser.scripts:
        assert "__xss" not in script, f"{where}: a probe inside an inline script"
        assert "alert(" not in script, f"{where}: a probe inside an inline script"


def assert_feed_is_inert(body, where):
    text = body.decode()
    for markup in RAW_MARKUP:
        assert markup not in text, f"{where}: {markup!r} is in the feed as markup"
    root = ElementTree.fromstring(body)
    atom = "{http://www.w3.org/2005/Atom}"
    assert not [element for element in root.iter() if not element.tag.startswith(atom)], (
        f"{where}: an element outside Atom's namespace"
    )
    for element in root.iter(f"{atom}summary"):
        # An HTML summary is read as HTML once its XML is read.
        if element.get("type") == "html" and element.text:
            assert_html_is_inert(element.text, f"{where} (summary)")
    for element in root.iter(f"{atom}link"):
        assert not element.get("href", "").lower().startswith("javascript:"), where


def assert_data_is_never_a_page(response, kind, where):
    assert response["Content-Type"].split(";")[0] == kind, where
    assert response["X-Content-Type-Options"] == "nosniff", where


def assert_json_is_inert(response, where):
    assert_data_is_never_a_page(response, "application/json", where)
    document = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )

    def snippets(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "snippet":
                    yield item
                else:
                    yield from snippets(item)
        elif isinstance(value, list):
            for item in value:
                yield from snippets(item)

    found = list(snippets(document))
    for snippet in found:  # HTML, with its matches marked
        assert_html_is_inert(snippet, f"{where} (snippet)")
    return document, found


def sign_in_editor(client):
    editor_create(username="alice", password="Kuala-Lumpur-talks-2025")
    client.force_login(get_user_model().objects.get(username="alice"))


# --- The tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_page_shows_the_probes_as_text(client, planted, name):
    path = HTML_PAGES[name](planted)
    response = client.get(path)
    assert response.status_code == (404 if name == "not found" else 200), path
    text = response.content.decode()
    assert_html_is_inert(text, name)
    if name != "not found":
        # Shown, escaped: the probes are text on the page, not left out.
        assert "&lt;script&gt;window.__xss=1" in text, f"{name}: no probe shown at all"


def test_the_search_marks_the_probes_in_the_snippet_as_text(client, planted):
    response = client.get(f"/articles/?{q(matching())}")
    text = response.content.decode()
    assert [a.pk for a in response.context["page"].object_list] == [planted["article"].pk]
    assert "&lt;script&gt;<mark>window</mark>.__<mark>xss</mark>=<mark>1</mark>;" in text
    assert "&lt;<mark>img src</mark>=<mark>x onerror</mark>=&quot;" in text
    # The query as searched for, in the search box and the feed's title, as text.
    assert 'value="zebrafish &lt;script&gt;window.__xss=1;alert(&#x27;paragraph&#x27;)' in text
    assert 'title="Articles matching “zebrafish &lt;script&gt;window.__xss=1;' in text


def test_a_javascript_source_url_is_not_a_link(client, planted):
    text = client.get(planted["article"].get_absolute_url()).content.decode()
    assert "javascript:" not in text.lower()
    # The source is still named, as text.
    assert "&lt;script&gt;window.__xss=1;alert(&#x27;source name&#x27;)" in text


def test_an_http_source_url_is_a_link_with_its_query_escaped(client, planted):
    text = client.get(planted["translation"].get_absolute_url()).content.decode()
    assert 'href="https://example.org/news?a=1&amp;b=&lt;script&gt;"' in text


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_escapes_the_probes(client, planted, name):
    response = client.get(FEEDS[name](planted))
    assert response.status_code == 200
    assert_feed_is_inert(response.content, name)
    assert "&lt;script&gt;window.__xss=1" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap.xml",
        *(f"/sitemap-{s}.xml" for s in ["pages", "articles", "topics", "events", "languages"]),
    ],
)
def test_the_sitemaps_carry_no_markup(client, planted, path):
    response = client.get(path)
    assert response.status_code == 200
    for markup in RAW_MARKUP:
        assert markup not in response.content.decode()
    ElementTree.fromstring(response.content)


def test_the_api_carries_the_probes_as_data_and_escapes_its_html_snippets(client, planted):
    response = client.get(f"/api/articles/?{q(matching())}")
    assert response.status_code == 200
    document, snippets = assert_json_is_inert(response, "api")
    assert snippets, "the search found the planted articles"
    assert any("<mark>" in snippet for snippet in snippets)
    titles = [result["title"] for result in document["results"]]
    assert planted["article"].title in titles  # as data, unchanged


def test_the_api_refusal_carries_the_probes_as_data(client, planted):
    response = client.get(f"/api/articles/?topic={q(hostile('topic param'))[2:]}")
    assert response.status_code == 400
    assert_json_is_inert(response, "api refusal")


def test_the_json_export_carries_the_probes_as_data(client, planted):
    response = client.get(f"/articles/export.json?{q(matching())}")
    assert response.status_code == 200
    assert_json_is_inert(response, "json export")
    assert response["Content-Disposition"].startswith("attachment")


def test_the_csv_export_is_an_attachment_whose_cells_are_no_formulas(client, planted):
    article = planted["article"]
    Article.objects.filter(pk=article.pk).update(
        title_en='=HYPERLINK("javascript:alert(1)","x")', source_name="-alert(1)"
    )
    response = client.get(f"/articles/export.csv?{q(WORD)}")
    assert response.status_code == 200
    assert_data_is_never_a_page(response, "text/csv", "csv export")
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode().removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), f"a formula cell: {cell!r}"
    assert "'=HYPERLINK" in text


def test_a_refused_export_or_feed_is_plain_text(client, planted):
    for path in ["/articles/export.csv", "/articles/feed.atom"]:
        response = client.get(f"{path}?topic={q(hostile('topic param'))[2:]}")
        assert response.status_code == 400
        assert_data_is_never_a_page(response, "text/plain", path)


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_every_admin_page_shows_the_probes_as_text(client, planted, name):
    sign_in_editor(client)
    response = client.get(ADMIN_PAGES[name](planted))
    assert response.status_code == 200, name
    assert_html_is_inert(response.content.decode(), name)


def test_the_admin_list_shows_the_planted_headline_escaped(client, planted):
    sign_in_editor(client)
    text = client.get("/admin/archive/article/").content.decode()
    assert "&lt;script&gt;window.__xss=1;alert(&#x27;headline&#x27;)&lt;/script&gt;" in text
