"""The pages as a reader sees them, in Debian's Chromium driven by Playwright."""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Flags that keep Chromium from calling home, which this closed network refuses noisily.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")
    if not chromium:
        message = "Chromium is not installed; `make browser` installs Debian's package."
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by test
    # fixtures here are still synchronous, so Django's async guard must step aside.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(transactional_db):
    """A live server that leaves /static/ to WhiteNoise, as production does.

    pytest-django's own fixture serves static files through Django's finders, which know
    nothing of the hashed names that the manifest storage puts in pages.
    """
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_a_reader_filters_by_language_and_opens_an_article(page, live_server, seeds):
    page.goto(f"{live_server.url}/")
    expect(page.locator("article.card")).to_have_count(6)

    page.get_by_label("Dutch").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.get_by_text("2 articles")).to_be_visible()

    page.get_by_role("link", name=re.compile("^China en de VS")).click()
    expect(page.locator("h1")).to_contain_text("China")
    expect(page.locator("article.article")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", name="Heel veel sojabonen")).to_be_visible()


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
    page.get_by_label("Search").fill("sojaboon")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("article.card")).to_have_count(1)
    expect(page.locator("article.card h2")).to_contain_text("China en de VS")

    page.get_by_label("Search").fill('"dat hiem" OR "terres rares"')
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("article.card")).to_have_count(3)

    page.get_by_label("Search").fill('"unclosed')
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status").first).to_contain_text("was not closed")


def test_a_reader_sees_marked_passages_narrows_by_facet_and_reorders(page, live_server, seeds):
    page.goto(f"{live_server.url}/articles/?q=rare+earths")
    expect(page.locator("article.card")).to_have_count(3)
    expect(page.locator("article.card .excerpt mark").first).to_be_visible()
    expect(page.locator("article.card mark", has_text="đất hiếm")).to_have_count(1)

    facets = page.get_by_role("region", name="Narrow down")
    facets.get_by_role("link", name="French").click()
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.get_by_label("Search")).to_have_value("rare earths")

    page.get_by_label("Order").select_option("oldest")
    page.get_by_role("button", name="Filter").click()
    dates = page.locator("article.card time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert dates == sorted(dates)
    expect(page.get_by_label("Order")).to_have_value("oldest")
