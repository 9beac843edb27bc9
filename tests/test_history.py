"""The versions of articles and the catalogue: who changed what, and restoring one."""

import pytest

from archive.history import FIRST_VERSION_REASON
from archive.ingest.store import RELOAD_REASON
from archive.models import Article, Concept, Event, Topic
from tests.factories import EventFactory, TopicFactory
from tests.loading import FRENCH_STORY, load, write
from tests.test_ingest_store import admin_form

pytestmark = pytest.mark.django_db

ORIGINAL = "---\ntitle: Pourparlers de Kuala Lumpur\ndate: 2025-10\n---\n" + FRENCH_STORY


def found(words):
    return set(Article.objects.search(words).articles.values_list("pk", flat=True))


@pytest.fixture
def loaded(tmp_path):
    [outcome] = load(write(tmp_path, "talks.md", ORIGINAL))
    return outcome.article


def headline_changed(admin_client, article, title="Négociations à Kuala Lumpur"):
    response = admin_client.post(
        f"/admin/archive/article/{article.pk}/change/", admin_form(article, title=title)
    )
    assert response.status_code == 302, response.context["adminform"].errors


def test_the_loader_records_no_version_of_the_articles_it_inserts(loaded):
    assert not Article.history.exists()


def test_an_editor_s_change_is_a_version_after_the_one_as_loaded(admin_client, admin_user, loaded):
    headline_changed(admin_client, loaded)
    latest, first = Article.history.filter(id=loaded.pk)
    assert (first.title, first.history_user, first.history_change_reason) == (
        "Pourparlers de Kuala Lumpur",
        None,
        FIRST_VERSION_REASON,
    )
    assert first.history_date == loaded.created_at
    assert (latest.title, latest.history_user) == ("Négociations à Kuala Lumpur", admin_user)
    assert latest.edited_fields == ["title"]


def test_the_history_page_shows_who_changed_which_field_from_what_to_what(
    admin_client, admin_user, loaded
):
    headline_changed(admin_client, loaded)
    response = admin_client.get(f"/admin/archive/article/{loaded.pk}/history/")
    page = response.content.decode()
    assert response.status_code == 200
    assert admin_user.username in page
    assert FIRST_VERSION_REASON in page
    [change] = [
        c for c in response.context["page_obj"][0].history_delta_changes if c["field"] == "Headline"
    ]
    assert (change["old"], change["new"]) == (
        "Pourparlers de Kuala Lumpur",
        "Négociations à Kuala Lumpur",
    )


def test_a_restored_version_is_what_search_finds_and_is_kept_on_reload(
    admin_client, admin_user, loaded, tmp_path
):
    headline_changed(admin_client, loaded)
    assert loaded.pk in found("Négociations")
    first = Article.history.filter(id=loaded.pk).earliest("history_date")
    url = f"/admin/archive/article/{loaded.pk}/history/{first.history_id}/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'value="Pourparlers de Kuala Lumpur"' in page.content.decode()

    response = admin_client.post(url, admin_form(first.instance))
    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get(pk=loaded.pk)
    assert article.title == "Pourparlers de Kuala Lumpur"
    # The restore is an editor's change too: the history and what a reload keeps say so.
    assert article.edited_fields == ["title"]
    assert Article.history.filter(id=loaded.pk).count() == 3
    restored = Article.history.filter(id=loaded.pk).latest("history_date")
    assert restored.history_user == admin_user
    assert restored.history_change_reason.startswith("restored the version of ")
    assert loaded.pk in found("Pourparlers")
    assert loaded.pk not in found("Négociations")

    write(tmp_path, "talks.md", ORIGINAL.replace("Pourparlers de", "Sommet de"))
    load(tmp_path / "talks.md")
    article.refresh_from_db()
    assert article.title == "Pourparlers de Kuala Lumpur"


def test_a_reload_is_a_version_of_its_own_without_an_editor(loaded, tmp_path):
    write(tmp_path, "talks.md", ORIGINAL + " Fin de citation.")
    load(tmp_path / "talks.md")
    latest, first = Article.history.filter(id=loaded.pk)
    assert first.history_change_reason == FIRST_VERSION_REASON
    assert "Fin de citation." not in first.instance.body
    assert (latest.history_change_reason, latest.history_user) == (RELOAD_REASON, None)
    assert latest.instance.body.endswith("Fin de citation.")


@pytest.mark.parametrize(
    ("model", "make", "change"),
    [
        (Topic, lambda: TopicFactory(name="Trade"), {"description": "Tariffs and quotas."}),
        (Event, lambda: EventFactory(name="Busan summit"), {"place": "Busan"}),
        (Concept, lambda: Concept.objects.create(name="Busan"), {"kind": "place"}),
    ],
)
def test_each_change_to_the_catalogue_is_a_version(admin_client, model, make, change):
    obj = make()
    for name, value in change.items():
        setattr(obj, name, value)
    obj.save()
    versions = model.history.filter(id=obj.pk)
    assert [v.history_type for v in versions] == ["~", "+"]
    [delta] = versions[0].diff_against(versions[1]).changes
    assert (delta.field, delta.new) == (*change.items(),)[0]
    name = model._meta.model_name
    assert admin_client.get(f"/admin/archive/{name}/{obj.pk}/history/").status_code == 200


def test_a_version_s_reason_names_what_the_form_s_inlines_changed(admin_client):
    event = EventFactory(name="Busan summit", slug="busan-summit")
    response = admin_client.post(
        f"/admin/archive/event/{event.pk}/change/",
        {
            "name": event.name,
            "slug": event.slug,
            "start_date": "2025-10-30",
            "date_precision": "day",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-text": "APEC Busan",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    assert event.aliases.get().text == "APEC Busan"
    latest = event.history.first()
    assert "APEC Busan" in latest.history_change_reason
    page = admin_client.get(f"/admin/archive/event/{event.pk}/history/").content.decode()
    assert "APEC Busan" in page
