import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from archive.ingest.catalogue import catalogue_tagger
from archive.models import Article, Concept, Event, EventAlias, TagSuggestion, Topic
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db

EVENTS = "/admin/archive/event/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def inline_forms(prefix, rows, *, parent_field, parent):
    """The management form and one form per row of an inline, as the browser posts them."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    initial = 0
    for index, row in enumerate(rows):
        if row.get("id"):
            initial += 1
            data[f"{prefix}-{index}-{parent_field}"] = parent.pk
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    return data


@pytest.fixture
def visits():
    keep = EventFactory(name="Antony Blinken's visit to China", slug="blinken-visit")
    twin = EventFactory(name="Blinken in Beijing", slug="blinken-beijing")
    EventAlias.objects.create(event=keep, text="Blinken")
    EventAlias.objects.create(event=twin, text="Blinken")
    EventAlias.objects.create(event=twin, text="Blinken à Pékin")
    first = ArticleFactory(title="Blinken lands in Shanghai", events=[keep])
    second = ArticleFactory(title="Blinken meets Xi", events=[twin])
    third = ArticleFactory(title="Blinken leaves Beijing", events=[twin])
    return keep, twin, [first, second, third]


# --- Events ------------------------------------------------------------------------------


def test_the_event_list_counts_the_tagged_articles_with_links(admin_client, visits):
    keep, twin, _ = visits
    page = admin_client.get(EVENTS).content.decode()
    assert (
        f'<a href="/admin/archive/article/?event={twin.slug}">2 articles</a>'
        ' · <a href="/events/blinken-beijing/">public page</a>'
    ) in page
    assert f'?event={keep.slug}">1 article</a>' in page
    response = admin_client.get(EVENTS, {"o": "6"})  # by the number of articles
    assert list(response.context["cl"].result_list) == [keep, twin]


def test_the_link_lists_the_events_articles_in_the_admin(admin_client, visits):
    _, twin, articles = visits
    response = admin_client.get("/admin/archive/article/", {"event": twin.slug})
    assert set(response.context["cl"].result_list) == set(articles[1:])


def test_the_event_form_shows_the_tagged_articles(admin_client, visits):
    _, twin, _ = visits
    page = admin_client.get(f"{EVENTS}{twin.pk}/change/").content.decode()
    assert "2 articles</a>" in page
    assert 'href="/events/blinken-beijing/"' in page
    assert "Blinken à Pékin" in page  # the aliases inline
    page = admin_client.get(f"{EVENTS}add/").content.decode()
    assert "none yet" in page


def test_merge_asks_which_event_to_keep(admin_client, visits):
    keep, twin, _ = visits
    response = admin_client.post(
        EVENTS, {"action": "merge_events", "_selected_action": [keep.pk, twin.pk]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the event to keep" in page
    # The one with more articles is offered first.
    assert f'value="{twin.pk}" id="keep-{twin.pk}" checked' in page
    assert "2 articles · 2 aliases" in page
    assert Event.objects.count() == 2


def test_merge_moves_everything_to_the_chosen_event(admin_client, visits):
    keep, twin, articles = visits
    TagSuggestion.objects.create(article=articles[0], event=twin, matched_words=["Xi"])
    response = admin_client.post(
        EVENTS,
        {
            "action": "merge_events",
            "_selected_action": [keep.pk, twin.pk],
            "keep": keep.pk,
            "merge": "yes",
        },
        follow=True,
    )
    assert messages_of(response) == [
        "1 event (“Blinken in Beijing”) merged into “Antony Blinken's visit to China”."
    ]
    assert list(Event.objects.all()) == [keep]
    assert set(keep.articles.all()) == set(articles)
    assert set(keep.aliases.values_list("text", flat=True)) == {"Blinken", "Blinken à Pékin"}
    assert not TagSuggestion.objects.exists()  # the article is tagged with the kept event
    page = admin_client.get("/events/blinken-visit/").content.decode()
    for article in articles:
        assert article.title in page


def test_merge_without_a_choice_asks_again(admin_client, visits):
    keep, twin, _ = visits
    response = admin_client.post(
        EVENTS,
        {"action": "merge_events", "_selected_action": [keep.pk, twin.pk], "merge": "yes"},
    )
    assert "Choose the event to keep." in response.content.decode()
    assert Event.objects.count() == 2


def test_merge_needs_two_events(admin_client, visits):
    keep, _, _ = visits
    response = admin_client.post(
        EVENTS, {"action": "merge_events", "_selected_action": [keep.pk]}, follow=True
    )
    assert messages_of(response) == ["Select two events or more to merge them."]


def test_merge_needs_the_right_to_delete_events(client, visits):
    keep, twin, _ = visits
    user = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_event", "change_event"])
    )
    client.force_login(user)
    response = client.get(EVENTS)
    assert response.context["action_form"] is None
    client.post(
        EVENTS,
        {
            "action": "merge_events",
            "_selected_action": [keep.pk, twin.pk],
            "keep": keep.pk,
            "merge": "yes",
        },
    )
    assert Event.objects.count() == 2


# --- Topics ------------------------------------------------------------------------------


def test_a_keyword_added_to_a_topic_is_suggested_by_the_next_load(admin_client):
    nl = LanguageFactory(code="nl")
    topic = TopicFactory(name="Soybeans", slug="soybeans")
    data = {
        "name": topic.name,
        "slug": topic.slug,
        "description": "",
        **inline_forms(
            "keywords",
            [{"language": nl.pk, "text": "sojabonen"}, {"language": None, "text": "soja"}],
            parent_field="topic",
            parent=topic,
        ),
    }
    response = admin_client.post(f"/admin/archive/topic/{topic.pk}/change/", data)
    assert response.status_code == 302
    assert set(topic.keywords.values_list("language__code", "text")) == {
        ("nl", "sojabonen"),
        (None, "soja"),
    }
    found = catalogue_tagger().suggest(language="nl", texts=["Sojabonen, veel sojabonen."])
    assert [s.topic_id for s in found] == [topic.pk]
    found = catalogue_tagger().suggest(language="fr", texts=["Le soja, le soja."])
    assert [s.topic_id for s in found] == [topic.pk]


def test_the_topic_list_counts_articles(admin_client):
    topic = TopicFactory(name="Soybeans")
    ArticleFactory(topics=[topic])
    response = admin_client.get("/admin/archive/topic/")
    assert [t.article_count for t in response.context["cl"].result_list] == [1]
    assert Topic.objects.count() == 1


# --- Concepts ----------------------------------------------------------------------------


def test_the_concept_form_previews_what_a_search_for_it_finds(admin_client, seeds):
    concept = Concept.objects.get(name="Vladimir Putin")
    page = admin_client.get(f"/admin/archive/concept/{concept.pk}/change/").content.decode()
    found = Article.objects.search("Putin")
    assert found.count() > 0
    also = ", ".join(found.expansions[0].also)
    assert set(found.expansions[0].also) == {"Poetin", "Poutine", "普京"}
    assert f"A search for “Putin” (also {also}) finds {found.count()} article" in page
    for article in found.results[:5]:
        assert f'<a href="/admin/archive/article/{article.pk}/change/">' in page


def test_the_preview_follows_a_new_label_at_once(admin_client, seeds):
    concept = Concept.objects.get(name="Vladimir Putin")
    before = Article.objects.search("Putin").count()
    article = ArticleFactory(title="Poetins reis", body="Poetins reis naar China.")
    concept.labels.create(text="Poetins")
    page = admin_client.get(f"/admin/archive/concept/{concept.pk}/change/").content.decode()
    assert f"finds {before + 1} article" in page
    assert f"/admin/archive/article/{article.pk}/change/" in page


def test_a_new_concept_has_nothing_to_preview(admin_client):
    page = admin_client.get("/admin/archive/concept/add/").content.decode()
    assert "Save the concept to see what a search for it finds." in page
