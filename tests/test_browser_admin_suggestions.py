"""An editor deciding the loader's suggestions in the admin, in Debian's Chromium."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from archive.models import TagRejection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long passphrase for the test"


@pytest.fixture
def editor():
    """A staff account with what deciding suggestions takes, and no more."""
    user = get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="archive",
            codename__in=[
                "view_article",
                "change_article",
                "view_tagsuggestion",
                "view_event",
                "view_topic",
            ],
        )
    )
    return user


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Site administration")).to_be_visible()


def test_an_editor_confirms_and_rejects_suggestions_and_the_event_page_lists_the_article(
    page, live_server, untagged_seeds, editor
):
    blinken = untagged_seeds["003"]
    visit = "Antony Blinken's visit to China"
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/archive/article/{blinken.pk}/change/")

    suggestions = page.locator("#suggestions-group")
    expect(suggestions).to_contain_text(visit)
    expect(suggestions).to_contain_text("Blinken, April 24")  # the words that triggered it

    page.get_by_role("button", name=f"Confirm {visit}", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(f"is now tagged “{visit}”")
    expect(page.locator("#id_events option[selected]")).to_have_text([visit])
    expect(suggestions).not_to_contain_text(visit)

    page.get_by_role("button", name="Confirm Taiwan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is now tagged “Taiwan”")
    expect(page.locator("#id_topics option[selected]")).to_have_text(["Taiwan"])

    page.get_by_role("button", name="Reject Janet Yellen's visit to China", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("will not suggest it")
    expect(suggestions).not_to_contain_text("Janet Yellen")
    expect(page.locator("#id_events option[selected]")).to_have_text([visit])
    rejection = TagRejection.objects.get()
    assert (rejection.event.slug, rejection.rejected_by) == ("yellen-visit-2024-04", editor)

    page.goto(f"{live_server.url}/events/blinken-visit-2024-04/")
    expect(page.get_by_role("link", name=blinken.title)).to_be_visible()
    page.goto(f"{live_server.url}/events/yellen-visit-2024-04/")
    expect(page.get_by_role("link", name=blinken.title)).to_have_count(0)
