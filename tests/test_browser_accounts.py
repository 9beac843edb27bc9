"""Signing in to the admin as an editor, in Debian's Chromium driven by Playwright."""

import re

import pytest
from playwright.sync_api import expect

from archive.accounts import editor_create, editors_group_sync
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kuala-Lumpur-talks-2025"


@pytest.fixture
def editor(transactional_db):
    # A transactional test empties every table after it, the group the migration made too.
    editors_group_sync()
    return editor_create(username="alice", password=PASSWORD).user


def sign_in(page, live_server, password):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_the_sixth_attempt_is_refused_even_with_the_right_password(page, live_server, editor):
    for attempt in range(1, 5):
        sign_in(page, live_server, f"wrong-{attempt}")
        expect(page.locator(".errornote")).to_contain_text("Please enter the correct username")
    sign_in(page, live_server, "wrong-5")
    sign_in(page, live_server, PASSWORD)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sign-in is locked after 5 failed attempts")
    expect(alert).to_contain_text("Try again in 30 minutes")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the sign-in page").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_an_editor_signs_in_but_cannot_open_the_users_page(page, live_server, editor):
    sign_in(page, live_server, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("link", name="Articles", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    response = page.goto(f"{live_server.url}/admin/auth/user/")
    assert response.status == 403
    expect(page.locator("body")).to_contain_text(re.compile("403|Forbidden", re.IGNORECASE))
