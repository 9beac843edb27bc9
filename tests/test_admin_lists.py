"""What every admin list refuses in its query string (archive.admin.lists): a regular
expression lookup and a control character in a filter are a 400 that names the filter; an
autocomplete leaves control characters out of what it searches for. PostgreSQL answered
each of them with a 500."""

import pytest
from django.contrib.auth import get_user_model

from archive.accounts import editor_create
from tests.factories import ArticleFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor_create(username="alice", password="Kuala-Lumpur-talks-2025")
    client.force_login(get_user_model().objects.get(username="alice"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/archive/article/?title__regex=(",
        "/admin/archive/article/?title__iregex=a%5B",
        "/admin/archive/event/?name__regex=(",
        "/admin/archive/article/?source_name=a%00b",
        "/admin/archive/article/?date_precision__exact=%00",
        "/admin/archive/topic/?slug=%1B",
        "/admin/archive/language/?code=%00",
    ],
)
def test_a_filter_the_database_would_fail_on_is_a_400_that_names_it(editor_client, url):
    ArticleFactory(title="Kuala Lumpur talks", source_name="Reuters")
    EventFactory(name="Trump–Xi call")
    response = editor_client.get(url)
    assert response.status_code == 400
    assert "The list was asked to filter by something it does not offer." in (
        response.content.decode()
    )


def test_the_filters_the_list_offers_still_filter(editor_client):
    ArticleFactory(title="Kuala Lumpur talks", source_name="Reuters")
    ArticleFactory(title="Blinken visit", source_name="AP")
    response = editor_client.get("/admin/archive/article/?source_name=AP")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Blinken visit" in page
    assert "Kuala Lumpur talks" not in page


def test_an_autocomplete_leaves_control_characters_out_of_its_search(editor_client):
    ArticleFactory(title="Kuala Lumpur talks")
    ArticleFactory(title="Blinken visit")
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "archive",
            "model_name": "article",
            "field_name": "translation_of",
            "term": "Kua\x00la",
        },
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Kuala Lumpur talks"]
