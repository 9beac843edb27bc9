"""The pages as a reader sees them, in Debian's Chromium driven by Playwright."""

import csv
import io
import pathlib
import re

import feedparser
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# --- Accessibility: axe-core on every kind of page, the keyboard, a phone ---------------------

# The pages a reader reaches, each by its route (None: a path of its own).
PAGES = {
    "home": ("home", []),
    "results": ("article_list", []),
    "article": None,
    "not found": None,
    "events": ("event_list", []),
    "event": ("event_detail", ["trump-xi-call-2025-06-05"]),
    "topics": ("topic_list", []),
    "topic": ("topic_detail", ["rare-earths"]),
    "languages": ("language_list", []),
    "language": ("language_detail", ["fr"]),
}


def _page_path(kind, seeds):
    if kind == "article":
        return seeds["004"].get_absolute_url()
    if kind == "not found":
        return "/articles/999999/"
    name, args = PAGES[kind]
    path = reverse(name, args=args)
    return f"{path}?q=rare+earths" if kind == "results" else path


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_passes_axe_at_wcag_22_aa(page, live_server, seeds, kind):
    response = page.goto(f"{live_server.url}{_page_path(kind, seeds)}")
    assert response.status == (404 if kind == "not found" else 200)
    assert_accessible(page)


def test_the_side_by_side_view_passes_axe_at_wcag_22_aa(page, live_server, seeds):
    page.goto(f"{live_server.url}{seeds['004'].get_absolute_url()}")
    page.get_by_role("link", name=re.compile("side by side", re.IGNORECASE)).first.click()
    page.wait_for_load_state()
    assert page.locator("[lang=fr]").count()
    assert page.locator("[lang=vi]").count()
    assert_accessible(page)


def test_the_keyboard_reaches_the_content_first_and_shows_where_it_is(page, live_server, seeds):
    page.goto(f"{live_server.url}/articles/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = skip.evaluate("link => getComputedStyle(link).outlineStyle")
    assert outline != "none", "the focused skip link shows no outline"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    focused = page.evaluate(
        "(() => { const style = getComputedStyle(document.activeElement); "
        "return [style.outlineStyle, style.outlineWidth]; })()"
    )
    assert focused[0] != "none", f"focus is not visible: {focused}"
    assert focused[1] != "0px", f"focus is not visible: {focused}"


def test_on_a_phone_the_first_result_is_above_the_fold(browser, live_server, seeds):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/articles/")
    top = page.locator("article.card").first.bounding_box()["y"]
    context.close()
    assert top < 844, f"the first result starts at {top:.0f}px, below the fold of 844px"


def test_a_reader_narrows_by_a_facet_removes_it_and_opens_an_article(page, live_server, seeds):
    page.goto(f"{live_server.url}/articles/")
    expect(page.locator("article.card")).to_have_count(6)

    facets = page.get_by_role("navigation", name="Narrow down")
    facets.get_by_role("link", name="Dutch").click()
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.get_by_text("2 articles")).to_be_visible()
    chip = page.get_by_role("link", name="Remove the filter Language: Dutch")
    expect(chip).to_be_visible()

    chip.click()
    expect(page.locator("article.card")).to_have_count(6)
    expect(page.locator(".active-filters")).to_have_count(0)

    page.get_by_role("navigation", name="Narrow down").get_by_role("link", name="Dutch").click()
    page.get_by_role("link", name=re.compile("^China en de VS")).click()
    expect(page.locator("h1")).to_contain_text("China")
    expect(page.locator("article.article")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Heel veel sojabonen")).to_be_visible()


def test_a_reader_searches_from_the_home_page_and_opens_the_article(page, live_server, seeds):
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox", name="Search the articles").fill("Poetin")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/articles/\?q=Poetin$"))
    expect(page.locator("article.card")).to_have_count(1)
    expect(page.locator("article.card mark").first).to_contain_text("Poetin")
    page.locator("article.card h2 a").first.click()
    expect(page.locator("article.article")).to_have_attribute("lang", "nl")


def test_a_reader_opens_an_event_from_the_timeline(page, live_server, seeds):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Events", exact=True).click()
    expect(page.get_by_role("heading", name="2025", exact=True)).to_be_visible()
    page.get_by_role("link", name="Trump–Xi phone call").click()
    expect(page.locator("h1")).to_have_text("Trump–Xi phone call")
    expect(page.get_by_text("5 June 2025")).to_be_visible()
    expect(page.locator("article.card")).to_have_count(2)
    # The event's page is a results page: searchable, and narrowed by its facets.
    page.get_by_role("navigation", name="Narrow down").get_by_role("link", name="French").click()
    expect(page.locator("article.card")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Trump–Xi phone call")


def test_a_bad_filter_value_is_explained_on_the_page(page, live_server, seeds):
    page.goto(f"{live_server.url}/articles/?date_from=tomorrow&page=abc")
    expect(page.get_by_role("alert")).to_contain_text("Enter a valid date")
    expect(page.locator("article.card")).to_have_count(6)


@pytest.mark.parametrize(("width", "height"), [(375, 740), (1280, 800)])
def test_pages_fit_phones_and_desktops_with_the_sites_own_stylesheet(
    browser, live_server, seeds, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    requested_hosts = set()
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))
    for path in ["/articles/", seeds["004"].get_absolute_url()]:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"
        accent = page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).borderBottomColor"
        )
        assert accent == "rgb(155, 28, 28)", "the site's stylesheet was not applied"
    assert requested_hosts == {live_server.url.split("/")[2]}
    context.close()


def test_a_reader_searches_across_inflections_and_scripts(page, live_server, seeds):
    page.goto(f"{live_server.url}/articles/")
    page.get_by_role("searchbox", name="Search the articles").fill("sojaboon")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article.card")).to_have_count(1)
    expect(page.locator("article.card h2")).to_contain_text("China en de VS")

    page.get_by_role("searchbox", name="Search the articles").fill('"dat hiem" OR "terres rares"')
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article.card")).to_have_count(3)

    page.get_by_role("searchbox", name="Search the articles").fill('"unclosed')
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".note").first).to_contain_text("was not closed")


def test_a_reader_sees_marked_passages_narrows_by_facet_and_reorders(page, live_server, seeds):
    page.goto(f"{live_server.url}/articles/?q=rare+earths")
    expect(page.locator("article.card")).to_have_count(3)
    expect(page.locator("article.card .excerpt mark").first).to_be_visible()
    expect(page.locator("article.card mark", has_text="đất hiếm")).to_have_count(1)

    facets = page.get_by_role("navigation", name="Narrow down")
    facets.get_by_role("link", name="French").click()
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.get_by_role("searchbox", name="Search the articles")).to_have_value("rare earths")

    page.get_by_label("Order").select_option("oldest")
    page.get_by_role("button", name="Search").click()
    dates = page.locator("article.card time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert dates == sorted(dates)
    expect(page.get_by_label("Order")).to_have_value("oldest")


# --- The article page: its languages, side by side, citations -------------------------------


def test_a_reader_switches_to_the_translation_and_reads_both_side_by_side(
    browser, live_server, seeds
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}{seeds['004'].get_absolute_url()}")
    languages = page.get_by_role("navigation", name="Languages of this article")
    french = languages.get_by_role("link", name=re.compile("^Français"))
    expect(french).to_have_attribute("aria-current", "page")

    languages.get_by_role("link", name=re.compile("^Tiếng Việt")).click()
    expect(page.locator("article.article")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_contain_text("Cuộc điện đàm Trump-Xi")
    vietnamese = languages.get_by_role("link", name=re.compile("^Tiếng Việt"))
    expect(vietnamese).to_have_attribute("aria-current", "page")
    expect(french).not_to_have_attribute("aria-current", "page")

    page.get_by_role("link", name="Side by side with Français").click()
    expect(page.locator("h1")).to_have_text("Vietnamese and French, side by side")
    first = page.locator(".beside-row:not(.beside-heads)").first.locator(".beside-cell")
    expect(first.nth(0)).to_have_attribute("lang", "vi")
    expect(first.nth(0)).to_contain_text("Ngày 5/6")
    expect(first.nth(1)).to_have_attribute("lang", "fr")
    expect(first.nth(1)).to_contain_text("Le 5 juin")
    left, right = first.nth(0).bounding_box(), first.nth(1).bounding_box()
    assert right["x"] > left["x"] + left["width"] / 2  # beside each other
    assert abs(right["y"] - left["y"]) < 2

    # On a phone each pair is stacked: the French under the Vietnamese, nothing sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    left, right = first.nth(0).bounding_box(), first.nth(1).bounding_box()
    assert right["y"] >= left["y"] + left["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()


def test_a_reader_copies_a_citation(browser, live_server, seeds):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    article = seeds["004"]
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    cite = page.get_by_role("region", name="Cite this article")
    status = cite.get_by_role("status").nth(1)
    expect(status).to_have_text("")

    cite.get_by_role("button", name="Copy Chicago citation").click()
    expect(status).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("“L'appel Trump-Xi renforce")
    assert copied.endswith(f"June 2025. {live_server.url}/articles/{article.pk}/.")
    expect(cite.get_by_role("button", name=re.compile("^Copy"))).to_have_count(3)
    context.close()


# --- Taking results away ------------------------------------------------------------------


def test_a_reader_downloads_the_csv_of_a_search_with_every_match(page, live_server, seeds):
    page.goto(f"{live_server.url}/articles/?q=rare+earths")
    count = int(page.locator(".result-count").inner_text().split()[0])
    assert count == 3
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename.endswith(".csv")
    text = pathlib.Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == count
    shown = page.locator("article.card h2 a").evaluate_all("links => links.map(a => a.text)")
    assert [row["title"] for row in rows] == shown  # every row, in the page's order


def test_a_reader_finds_the_feed_of_a_topic_to_subscribe_to(page, live_server, seeds):
    page.goto(f"{live_server.url}/topics/rare-earths/")
    count = int(page.locator(".result-count").inner_text().split()[0])
    advertised = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    expect(advertised).to_have_count(1)
    href = advertised.get_attribute("href")
    assert href == "/topics/rare-earths/feed.atom"
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == count
    shown = page.locator("article.card h2").evaluate_all("titles => titles.map(h => h.lang)")
    assert sorted(entry.title_detail.language for entry in feed.entries) == sorted(shown)
    page.goto(feed.entries[0].link)
    expect(page.locator("h1")).to_have_text(feed.entries[0].title)
