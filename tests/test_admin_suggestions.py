import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from archive.models import Article, Event, TagRejection, TagSuggestion
from tests.factories import ArticleFactory, EventFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/archive/tagsuggestion/"


def change_url(article):
    return f"/admin/archive/article/{article.pk}/change/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def blinken(untagged_seeds):
    return untagged_seeds["003"]


def staff(*codenames):
    user = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


# --- On the article's form ---------------------------------------------------------------


def test_the_form_shows_each_suggestion_with_its_words_and_two_buttons(admin_client, blinken):
    page = admin_client.get(change_url(blinken)).content.decode()
    yellen = blinken.suggestions.get(event__slug="yellen-visit-2024-04")
    assert "Janet Yellen&#x27;s visit to China <small>(event)</small>" in page
    assert "Taiwan, Taiwanese, Lai Ching-te, Taipei" in page
    assert f'formaction="/admin/archive/tagsuggestion/{yellen.pk}/confirm/"' in page
    assert f'formaction="/admin/archive/tagsuggestion/{yellen.pk}/reject/"' in page
    buttons = re.findall(r'<button type="submit"[^>]*>(Confirm|Reject)</button>', page)
    assert buttons.count("Confirm") == buttons.count("Reject") == blinken.suggestions.count()
    # Deleting would not stop the next load suggesting it again: only Reject removes one.
    assert "suggestions-0-DELETE" not in page
    assert re.search(r'href="/static/css/admin-suggestions\.[0-9a-f]+\.css"', page)


def test_confirm_tags_the_article_and_returns_to_its_form(admin_client, blinken):
    suggestion = blinken.suggestions.get(event__slug="blinken-visit-2024-04")
    response = admin_client.post(
        f"{LIST}{suggestion.pk}/confirm/", {"next": change_url(blinken), "title": "ignored"}
    )
    assert response.status_code == 302
    assert response.url == change_url(blinken)
    assert list(blinken.events.values_list("slug", flat=True)) == ["blinken-visit-2024-04"]
    assert not TagSuggestion.objects.filter(pk=suggestion.pk).exists()
    assert messages_of(response) == [
        f"“{blinken.title}” is now tagged “Antony Blinken's visit to China”."
    ]
    assert Article.objects.get(pk=blinken.pk).title == blinken.title


def test_reject_remembers_who_rejected_and_says_so(admin_client, admin_user, blinken):
    suggestion = blinken.suggestions.get(topic__slug="taiwan")
    response = admin_client.post(f"{LIST}{suggestion.pk}/reject/")
    assert response.url == change_url(blinken)
    rejection = TagRejection.objects.get()
    assert (rejection.article, rejection.topic.slug, rejection.rejected_by) == (
        blinken,
        "taiwan",
        admin_user,
    )
    assert not blinken.topics.exists()
    assert "loading its file again will not suggest it" in messages_of(response)[0]
    page = admin_client.get(change_url(blinken)).content.decode()
    assert f"/tagsuggestion/{suggestion.pk}/" not in page


def test_deciding_takes_a_post_and_the_right_to_change_articles(client, blinken):
    suggestion = blinken.suggestions.first()
    client.force_login(staff("view_article", "view_tagsuggestion"))
    assert client.get(f"{LIST}{suggestion.pk}/confirm/").status_code == 405
    assert client.post(f"{LIST}{suggestion.pk}/confirm/").status_code == 403
    assert client.post(f"{LIST}{suggestion.pk}/reject/").status_code == 403
    assert TagSuggestion.objects.filter(pk=suggestion.pk).exists()


def test_an_editor_with_the_right_to_change_articles_decides(client, blinken):
    client.force_login(staff("view_article", "change_article", "view_tagsuggestion"))
    suggestion = blinken.suggestions.get(topic__slug="taiwan")
    assert client.post(f"{LIST}{suggestion.pk}/confirm/").status_code == 302
    assert blinken.topics.filter(slug="taiwan").exists()


def test_deciding_checks_the_csrf_token(blinken, admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    suggestion = blinken.suggestions.first()
    assert client.post(f"{LIST}{suggestion.pk}/confirm/").status_code == 403
    assert TagSuggestion.objects.filter(pk=suggestion.pk).exists()


def test_a_next_page_elsewhere_is_not_followed(admin_client, blinken):
    suggestion = blinken.suggestions.first()
    response = admin_client.post(
        f"{LIST}{suggestion.pk}/confirm/", {"next": "https://elsewhere.example/"}
    )
    assert response.url == change_url(blinken)


def test_a_suggestion_decided_already_is_said_so(admin_client, blinken):
    suggestion = blinken.suggestions.first()
    admin_client.post(f"{LIST}{suggestion.pk}/confirm/")
    response = admin_client.post(f"{LIST}{suggestion.pk}/reject/", {"next": change_url(blinken)})
    assert response.url == change_url(blinken)
    assert messages_of(response)[-1] == "That suggestion was decided already."
    assert not TagRejection.objects.exists()


# --- The list of every pending suggestion --------------------------------------------------


def test_the_list_shows_article_tag_and_words(admin_client, blinken):
    page = admin_client.get(LIST).content.decode()
    assert f'<a href="{change_url(blinken)}">{blinken.title}</a>' in page
    assert "Antony Blinken&#x27;s visit to China <small>(event)</small>" in page
    assert "Blinken, April 24" in page
    response = admin_client.get(LIST)
    assert response.context["cl"].result_count == TagSuggestion.objects.count()


def test_the_list_filters_by_event_and_topic_and_searches_titles(admin_client, untagged_seeds):
    blinken = untagged_seeds["003"]
    event = blinken.suggestions.get(event__slug="blinken-visit-2024-04").event
    response = admin_client.get(LIST, {"event__id__exact": event.pk})
    assert [s.article for s in response.context["cl"].result_list] == [blinken]
    topic = blinken.suggestions.get(topic__slug="taiwan").topic
    response = admin_client.get(LIST, {"topic__id__exact": topic.pk})
    assert {s.topic for s in response.context["cl"].result_list} == {topic}
    response = admin_client.get(LIST, {"q": "Secretary of State"})
    assert {s.article for s in response.context["cl"].result_list} == {blinken}
    page = response.content.decode()
    # Only the events and topics that are suggested are offered as filters.
    never = Event.objects.filter(tagsuggestion__isnull=True).first()
    assert never.name not in page


def test_bulk_confirm_and_reject_from_the_list(admin_client, admin_user, untagged_seeds):
    events = list(TagSuggestion.objects.filter(event__isnull=False))
    topics = list(TagSuggestion.objects.filter(topic__isnull=False))
    response = admin_client.post(
        LIST, {"action": "confirm", "_selected_action": [s.pk for s in events]}, follow=True
    )
    assert f"{len(events)} suggested tags confirmed." in messages_of(response)
    assert Article.events.through.objects.count() == len(events)
    response = admin_client.post(
        LIST, {"action": "reject", "_selected_action": [s.pk for s in topics]}, follow=True
    )
    assert f"{len(topics)} suggested tags rejected" in messages_of(response)[0]
    assert TagRejection.objects.filter(rejected_by=admin_user).count() == len(topics)
    assert not TagSuggestion.objects.exists()
    page = admin_client.get("/admin/archive/tagrejection/").content.decode()
    assert "Taiwan <small>(topic)</small>" in page


def test_the_bulk_actions_need_the_right_to_change_articles(client, blinken):
    client.force_login(staff("view_tagsuggestion", "change_tagsuggestion"))
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None  # no action this editor may take
    suggestion = blinken.suggestions.first()
    client.post(LIST, {"action": "confirm", "_selected_action": [suggestion.pk]})
    assert TagSuggestion.objects.filter(pk=suggestion.pk).exists()


def test_suggestions_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(f"{LIST}add/").status_code == 403


# --- The article list: what needs attention, and confirming every suggestion of some -------


def test_needs_attention_lists_what_each_choice_says(admin_client):
    plain = ArticleFactory(title="Plain")
    derived = ArticleFactory(title="Derived", title_is_derived=True)
    near = ArticleFactory(title="Near", near_duplicate_of=plain)
    approximate = ArticleFactory(
        title="Approximate", published=datetime.date(2024, 4, 20), date_approximate=True
    )
    suggested = ArticleFactory(title="Suggested")
    TagSuggestion.objects.create(article=suggested, topic=TopicFactory(), matched_words=["a"])
    TagSuggestion.objects.create(article=suggested, event=EventFactory(), matched_words=["b"])
    expected = {
        "derived-title": [derived],
        "near-duplicate": [near],
        "suggestions": [suggested],  # once, whatever its number of suggestions
        "approximate-date": [approximate],
    }
    page = admin_client.get("/admin/archive/article/").content.decode()
    assert "By needs attention" in page
    for value, articles in expected.items():
        response = admin_client.get("/admin/archive/article/", {"attention": value})
        assert list(response.context["cl"].result_list) == articles, value
    response = admin_client.get("/admin/archive/article/")
    assert response.context["cl"].result_count == 5


def test_the_confirm_action_tags_the_selected_articles_only(admin_client, untagged_seeds):
    blinken, talks = untagged_seeds["003"], untagged_seeds["002"]
    wanted = {(s.topic_id, s.event_id) for s in blinken.suggestions.all()}
    others = TagSuggestion.objects.exclude(article=blinken).count()
    response = admin_client.post(
        "/admin/archive/article/",
        {"action": "confirm_suggestions", "_selected_action": [blinken.pk]},
        follow=True,
    )
    assert f"{len(wanted)} suggested tags confirmed." in messages_of(response)
    tags = {(t, None) for t in blinken.topics.values_list("pk", flat=True)} | {
        (None, e) for e in blinken.events.values_list("pk", flat=True)
    }
    assert tags == wanted
    assert not blinken.suggestions.exists()
    assert not talks.topics.exists()
    assert TagSuggestion.objects.count() == others
