import datetime
import json

import pytest

from archive.models import Article
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(
        title="Trump–Xi call", topics=[TopicFactory(name="Diplomacy and summits")]
    )


@pytest.mark.parametrize("model", ["article", "topic", "event", "language", "concept"])
def test_every_model_has_a_working_list_and_add_form(admin_client, article, model):
    assert admin_client.get(f"/admin/archive/{model}/").status_code == 200
    assert admin_client.get(f"/admin/archive/{model}/add/").status_code == 200


def test_article_list_filters_and_searches(admin_client, article):
    ArticleFactory(title="Something else")
    response = admin_client.get("/admin/archive/article/?q=Trump")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [article]
    response = admin_client.get("/admin/archive/article/?date_precision__exact=day")
    assert response.context["cl"].result_count == 2


def test_article_form_uses_autocomplete_for_topics_and_events(admin_client, article):
    page = admin_client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert 'data-field-name="topics"' in page
    assert 'data-field-name="events"' in page
    assert "admin-autocomplete" in page


def test_topic_autocomplete_answers(admin_client, article):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "diplo", "app_label": "archive", "model_name": "article", "field_name": "topics"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Diplomacy and summits"]


def test_an_editor_fixes_title_date_and_tags(admin_client, article):
    event = EventFactory(name="Trump–Xi phone call")
    topic = article.topics.get()
    response = admin_client.post(
        f"/admin/archive/article/{article.pk}/change/",
        {
            "title": "Trump–Xi call boosts Xi's image",
            "language": LanguageFactory(code="fr").pk,
            "published": "2025-06-20",
            "date_precision": "month",
            "topics": [topic.pk],
            "events": [event.pk],
            "blocks": json.dumps(article.blocks),
            "suggestions-TOTAL_FORMS": "0",
            "suggestions-INITIAL_FORMS": "0",
            "source_name": "The Conversation",
            "source_url": "https://theconversation.com/",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get(pk=article.pk)
    assert article.title == "Trump–Xi call boosts Xi's image"
    assert article.published == datetime.date(2025, 6, 1)
    assert article.published_display == "June 2025"
    assert list(article.events.all()) == [event]
    assert article.language.code == "fr"


def test_what_an_editor_changes_survives_a_reload_of_the_file(admin_client, tmp_path):
    from archive.ingest.services import articles_load

    path = tmp_path / "call.md"
    path.write_text("---\ndate: 2025-06\n---\nTrump and Xi speak\n\n" + "They talked. " * 30)
    [outcome] = articles_load(paths=[path])
    article = outcome.article
    form = {
        "title": "Trump and Xi speak by phone",
        "language": article.language.pk,
        "published": "2025-06-05",
        "date_precision": "day",
        "blocks": json.dumps(article.blocks),
        # The browser sends the initial value of fields with a callable default back too.
        "initial-blocks": json.dumps(article.blocks),
        "suggestions-TOTAL_FORMS": "0",
        "suggestions-INITIAL_FORMS": "0",
    }
    admin_client.post(f"/admin/archive/article/{article.pk}/change/", form)
    article.refresh_from_db()
    assert article.edited_fields == ["date_precision", "published", "title"]

    path.write_text("---\ndate: 2025-07\n---\nTrump and Xi speak\n\n" + "They talked. " * 31)
    [reloaded] = articles_load(paths=[path])
    assert reloaded.status == "updated"
    article.refresh_from_db()
    assert article.title == "Trump and Xi speak by phone"
    assert article.published == datetime.date(2025, 6, 5)
    assert article.body.count("They talked.") == 31


def test_an_editor_adds_a_label_and_search_finds_it(admin_client, seeds):
    from archive.models import Article, Concept

    concept = Concept.objects.get(name="Vladimir Putin")
    data = {
        "name": concept.name,
        "kind": concept.kind,
        "labels-TOTAL_FORMS": str(concept.labels.count() + 1),
        "labels-INITIAL_FORMS": str(concept.labels.count()),
    }
    for index, label in enumerate(concept.labels.all()):
        data[f"labels-{index}-id"] = label.pk
        data[f"labels-{index}-concept"] = concept.pk
        data[f"labels-{index}-text"] = label.text
        data[f"labels-{index}-language"] = label.language_id or ""
    new = concept.labels.count()
    data[f"labels-{new}-text"] = "Poetins"
    response = admin_client.post(f"/admin/archive/concept/{concept.pk}/change/", data)
    assert response.status_code == 302
    assert concept.labels.filter(text="Poetins").exists()
    assert "Poetins" in Article.objects.search("Putin").expansions[0].also
