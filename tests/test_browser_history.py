"""An editor changes a headline in the admin and restores it from the history, in Debian's
Chromium driven by Playwright."""

import re
import secrets

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from tests.loading import FRENCH_STORY, load, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD, NEW = "Pourparlers de Kuala Lumpur", "Négociations en Malaisie"


@pytest.fixture
def editor():
    """A staff account that may change articles, and nothing else."""
    password = secrets.token_urlsafe(16)
    user = User.objects.create_user("editor", password=password, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="archive", codename__in=["view_article", "change_article"]
        )
    )
    return user.username, password


def test_an_editor_restores_a_headline_and_search_finds_it_again(
    page, live_server, editor, tmp_path
):
    [outcome] = load(write(tmp_path, "talks.md", f"---\ntitle: {OLD}\n---\n{FRENCH_STORY}"))
    article = outcome.article
    username, password = editor
    page.goto(f"{live_server.url}/admin/archive/article/{article.pk}/change/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Headline:", exact=True).fill(NEW)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}/articles/?q=Pourparlers")
    expect(page.get_by_role("link", name=NEW)).to_have_count(0)

    page.goto(f"{live_server.url}/admin/archive/article/{article.pk}/change/")
    page.get_by_role("link", name="History").click()
    # The change as the history shows it: the field, what it was and what it became.
    expect(page.locator("#change-history")).to_contain_text(f"Headline: {OLD}")
    expect(page.locator("#change-history")).to_contain_text(NEW)
    expect(page.locator("#change-history")).to_contain_text(username)
    page.get_by_role("link", name=OLD, exact=True).click()
    expect(page.get_by_label("Headline:", exact=True)).to_have_value(OLD)
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}/articles/?q=Pourparlers")
    expect(page.get_by_role("link", name=re.compile(OLD)).first).to_be_visible()
