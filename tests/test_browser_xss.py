"""No planted script runs in a browser: Chromium opens every page that shows the probes of
tests/test_xss.py (which set window.__xss or call alert()) and no dialog opens, window.__xss
stays undefined, and no link or form on the page leads to a javascript: URL."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from archive.accounts import editors_group_sync
from tests.test_xss import ADMIN_PAGES, FEEDS, HTML_PAGES, planted, sign_in_editor  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT_URLS = """() => [...document.querySelectorAll('[href], [src], [action], [formaction]')]
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')
        || e.getAttribute('formaction') || '')
    .filter(url => url.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase().startsWith('javascript:'))
"""


@pytest.fixture
def watched(page):
    """The page, with every dialog a script opens noted (and dismissed)."""
    dialogs = []

    def noted(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", noted)
    return page, dialogs


def assert_no_probe_ran(page, dialogs, name):
    page.wait_for_load_state("load")
    # An onerror or onload handler fires on its own once the page has loaded.
    page.wait_for_timeout(50)
    assert dialogs == [], f"{name}: a planted script opened a dialog: {dialogs}"
    assert page.evaluate("typeof window.__xss") == "undefined", f"{name}: a probe ran"
    assert page.evaluate(SCRIPT_URLS) == [], f"{name}: a javascript: URL on the page"


def visit(page, live_server, path):
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    return response


def test_no_probe_runs_on_any_readers_page(watched, live_server, planted):  # noqa: F811
    page, dialogs = watched
    for name, path_of in HTML_PAGES.items():
        response = visit(page, live_server, path_of(planted))
        assert response.status == (404 if name == "not found" else 200), name
        assert_no_probe_ran(page, dialogs, name)
        if name not in ("not found", "filters not understood"):
            assert "window.__xss" in page.content(), f"{name}: no probe on the page at all"


def test_no_probe_runs_in_a_feed_or_the_api_opened_in_the_browser(watched, live_server, planted):  # noqa: F811
    page, dialogs = watched
    paths = {f"{name} feed": path_of(planted) for name, path_of in FEEDS.items()}
    paths["api"] = f"/api/articles/?q={planted['article'].title.split()[0]}"
    for name, path in paths.items():
        assert visit(page, live_server, path).status == 200, name
        assert_no_probe_ran(page, dialogs, name)


def test_no_probe_runs_on_any_admin_page(watched, live_server, planted):  # noqa: F811
    page, dialogs = watched
    editors_group_sync()  # a transactional test starts from a flushed database, without it
    client = Client()
    sign_in_editor(client)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    assert get_user_model().objects.filter(username="alice").exists()
    for name, path_of in ADMIN_PAGES.items():
        response = visit(page, live_server, path_of(planted))
        assert response.status == 200, name
        assert "/admin/login/" not in page.url, f"{name}: not signed in"
        assert_no_probe_ran(page, dialogs, name)
