"""The 400 page: what Django refuses before any view reads the request is named."""

import pytest
from django.contrib.auth import get_user_model

from archive.accounts import editor_create

pytestmark = pytest.mark.django_db


def test_too_many_parameters_are_named_on_the_page(client, settings):
    query = "&".join(f"language=x{n}" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get("/articles/", QUERY_STRING=query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Bad request</h1>" in page
    assert "more parameters than the archive reads (at most 10,000)" in page
    assert "Browse all articles" in page


def test_a_host_the_site_does_not_serve_is_named_without_the_hosts_it_serves(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "a host this site does not serve" in page
    assert "ALLOWED_HOSTS" not in page
    assert "testserver" not in page


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("language__code__exact=fr", "filter by something it does not offer"),
        ("_to_field=0", "asked for a field it does not offer"),
    ],
)
def test_an_admin_list_filter_it_does_not_offer_is_named(client, query, reason):
    editor_create(username="alice", password="Kuala-Lumpur-talks-2025")
    client.force_login(get_user_model().objects.get(username="alice"))
    response = client.get(f"/admin/archive/article/?{query}")
    assert response.status_code == 400
    assert reason in response.content.decode()
