"""Editors tagging many articles at once in the admin, in Debian's Chromium driven by
Playwright."""

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from tests.browser import axe_violations, violations_text
from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-passphrase"


@pytest.fixture
def editor():
    """A staff account with the article permissions and no more: not a superuser."""
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_article", "change_article", "view_event", "view_topic"]
        )
    )
    return user


def test_an_editor_tags_several_articles_with_an_event_in_one_action(
    page, live_server, seeds, editor
):
    event = EventFactory(
        name="Antony Blinken visits China", slug="blinken-visit-2024", start_date=None
    )
    chosen = [seeds["000"], seeds["001"], seeds["002"]]

    page.goto(f"{live_server.url}/admin/archive/article/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Select article to change")).to_be_visible()

    for article in chosen:
        page.locator(f'input[name="_selected_action"][value="{article.pk}"]').check()
    page.get_by_role("combobox", name="Action").select_option(label="Tag with an event…")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", name="Tag with an event")).to_be_visible()
    # Select2, which Django's autocomplete ships, names its combobox after the value chosen,
    # so an empty one has no name: Django's own shortcoming, on every autocomplete.
    violations = [
        violation
        for violation in axe_violations(page)
        if not (
            violation["id"] == "aria-input-field-name"
            and all("select2" in " ".join(node["target"]) for node in violation["nodes"])
        )
    ]
    assert not violations, violations_text(violations)
    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Blinken")
    page.locator(".select2-results__option", has_text="Antony Blinken visits China").click()
    page.get_by_role("button", name="Tag 3 articles").click()

    expect(page.locator(".messagelist")).to_have_text(
        "3 articles tagged with the event “Antony Blinken visits China”."
    )
    assert set(event.articles.all()) == set(chosen)

    page.goto(f"{live_server.url}/events/{event.slug}/")
    results = page.locator("main")
    for article in chosen:
        expect(results.get_by_role("link", name=article.title).first).to_be_visible()
    assert seeds["003"].title not in results.inner_text()
