import datetime
import os
import shutil

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Serve static files as production does: hashed, compressed, through WhiteNoise."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield static_root


@pytest.fixture(autouse=True)
def search_index_emptied_after_a_flush(request, django_db_blocker):
    """A transactional test ends with Django emptying the models' tables, not the search
    index's, which no model owns: it is emptied here too, or the next test's articles, whose
    ids start again from 1, would be found by the words of the articles before them."""
    yield
    if "transactional_db" in request.fixturenames:
        from django.db import connection

        from archive.search.backends import backend_for

        with django_db_blocker.unblock():
            backend_for(connection).rows_clear()


@pytest.fixture
def seeds(db, settings):
    """The five seed files, loaded through the real loader."""
    from archive.ingest.services import articles_load

    return _loaded_by_name(articles_load(paths=[settings.BASE_DIR / "seeds"]))


def _loaded_by_name(outcomes):
    """{"000": article, …, "004-vi": its translation} from a load of the seed files."""
    outcomes = [o for o in outcomes if o.article]
    assert [outcome.status for outcome in outcomes] == ["created"] * 6
    articles = {}
    for outcome in outcomes:
        name = outcome.path.split("/")[-1][:3]
        if name in articles:  # a translation split from the same file
            name = f"{name}-{outcome.article.language.code}"
        articles[name] = outcome.article
    return articles


@pytest.fixture
def untagged_seeds(db, settings, tmp_path):
    """The seed files loaded without the topics and events their metadata confirms, so that
    every tag is left for the loader to suggest."""
    import shutil

    import yaml

    from archive.ingest.services import articles_load

    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in (settings.BASE_DIR / "seeds").iterdir():
        if path.name != "catalogue.yaml" and path.suffix == ".yaml":
            metadata = yaml.safe_load(path.read_text())
            metadata.pop("topics", None)
            metadata.pop("events", None)
            (folder / path.name).write_text(yaml.safe_dump(metadata))
        else:
            shutil.copy(path, folder / path.name)
    return _loaded_by_name(articles_load(paths=[folder]))


@pytest.fixture
def tagged():
    """Three articles in two languages, two topics, one event, three dates."""
    trade = TopicFactory(name="Trade and tariffs", slug="trade")
    taiwan = TopicFactory(name="Taiwan", slug="taiwan")
    call = EventFactory(name="Trump–Xi phone call", slug="trump-xi-call-2025")
    return {
        "call": ArticleFactory(
            title="L'appel Trump-Xi",
            body="Les tarifs <et> les terres rares.",
            language=LanguageFactory(code="fr"),
            published=datetime.date(2025, 6, 1),
            date_precision="month",
            topics=[trade],
            events=[call],
            source_name="Le Monde",
        ),
        "talks": ArticleFactory(
            title="Kuala Lumpur talks",
            body="Tariffs on rare earths were discussed.",
            published=datetime.date(2025, 10, 25),
            topics=[trade],
        ),
        "visit": ArticleFactory(
            title="Blinken visit", published=datetime.date(2024, 4, 20), topics=[taiwan]
        ),
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test leaves a full-page screenshot of its page behind, named in its
    report, so the failure can be seen as the reader would have seen it."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and hasattr(page, "screenshot"):
        from tests.browser import failure_screenshot_path

        path = failure_screenshot_path(item.name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=path, full_page=True)
        except Exception as error:  # the test's own failure matters more
            report.sections.append(("browser screenshot", f"none taken: {error}"))
        else:
            report.sections.append(("browser screenshot", str(path)))
    return report


# --- The browser tests' fixtures ---------------------------------------------------------

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
    """Debian's Chromium, driven by Playwright, for the browser tests (tests/browser.py has
    their checks)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import browser_missing

    chromium = shutil.which("chromium")
    if not chromium:
        browser_missing("Chromium is not installed; `make browser` installs Debian's package.")
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
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, request):
    """A page in a fresh context. Whatever the Content-Security-Policy refused on it (an
    inline script or style, a script from elsewhere), Chromium reports on the console; a
    test fails on any such report unless it is marked `csp_refusals_expected`, as the tests
    that inject script on purpose are."""
    context = browser.new_context()
    page = context.new_page()
    page.csp_refusals = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            page.csp_refusals.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    context.close()
    if not request.node.get_closest_marker("csp_refusals_expected"):
        assert page.csp_refusals == [], "the Content-Security-Policy refused something"
