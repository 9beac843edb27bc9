from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from archive.ingest.services import articles_load
from archive.models import Article, TagRejection, TagSuggestion
from archive.suggestions import (
    rejected_tags,
    suggestion_confirm,
    suggestion_reject,
    suggestions_confirm,
    suggestions_reject,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password="not used here")


def suggested(article):
    return {s.tag.slug for s in TagSuggestion.objects.filter(article=article)}


def changed_and_reloaded(article):
    """The article's file with a sentence more, loaded again: its articles are updated, and
    the loader suggests their tags afresh."""
    path = Path(article.source_path)
    path.write_text(path.read_text() + "\n\nThe talks went on.\n")
    outcomes = [o for o in articles_load(paths=[path]) if o.article]
    assert {o.status for o in outcomes} == {"updated"}
    return Article.objects.get(pk=article.pk)


def test_a_confirmed_suggestion_becomes_a_tag(untagged_seeds):
    article = untagged_seeds["003"]
    suggestion = article.suggestions.get(event__slug="blinken-visit-2024-04")
    assert suggestion_confirm(suggestion=suggestion) == 1
    assert list(article.events.values_list("slug", flat=True)) == ["blinken-visit-2024-04"]
    assert "blinken-visit-2024-04" not in suggested(article)
    assert not TagRejection.objects.exists()


def test_a_rejected_suggestion_is_remembered_with_who_rejected_it(untagged_seeds, editor):
    article = untagged_seeds["003"]
    suggestion = article.suggestions.get(event__slug="yellen-visit-2024-04")
    assert suggestion_reject(suggestion=suggestion, user=editor) == 1
    assert "yellen-visit-2024-04" not in suggested(article)
    assert not article.events.exists()
    rejection = TagRejection.objects.get()
    assert (rejection.article, rejection.event.slug, rejection.rejected_by) == (
        article,
        "yellen-visit-2024-04",
        editor,
    )
    assert rejected_tags([article.pk]) == {("event", article.pk, rejection.event_id)}


def test_reloading_the_file_does_not_suggest_a_rejected_tag_again(untagged_seeds, editor):
    article = untagged_seeds["003"]
    suggestion_reject(
        suggestion=article.suggestions.get(event__slug="yellen-visit-2024-04"), user=editor
    )
    suggestion_reject(suggestion=article.suggestions.get(topic__slug="taiwan"), user=editor)
    suggestion_confirm(suggestion=article.suggestions.get(event__slug="blinken-visit-2024-04"))

    article = changed_and_reloaded(article)

    assert article.body.endswith("The talks went on.")
    assert suggested(article) == {
        "biden-xi-woodside-summit-2023",
        "lai-inauguration-2024",
        "diplomacy-and-summits",
        "military-and-security",
        "russia-and-ukraine",
    }
    assert list(article.events.values_list("slug", flat=True)) == ["blinken-visit-2024-04"]
    assert TagRejection.objects.filter(article=article).count() == 2


def test_without_a_rejection_the_reload_suggests_the_tag_again(untagged_seeds):
    article = untagged_seeds["003"]
    article.suggestions.filter(event__slug="yellen-visit-2024-04").delete()
    article = changed_and_reloaded(article)
    assert "yellen-visit-2024-04" in suggested(article)


def test_a_rejection_is_for_its_article_only(untagged_seeds, editor):
    french, vietnamese = untagged_seeds["004"], untagged_seeds["004-vi"]
    suggestion_reject(
        suggestion=french.suggestions.get(event__slug="geneva-talks-2025"), user=editor
    )
    french = changed_and_reloaded(french)
    assert "geneva-talks-2025" not in suggested(french)
    assert "geneva-talks-2025" in suggested(Article.objects.get(pk=vietnamese.pk))


def test_bulk_confirm_and_reject_in_a_few_queries(
    untagged_seeds, editor, django_assert_max_num_queries
):
    events = TagSuggestion.objects.filter(event__isnull=False)
    topics = TagSuggestion.objects.filter(topic__isnull=False)
    event_pairs = set(events.values_list("article_id", "event_id"))
    topic_pairs = set(topics.values_list("article_id", "topic_id"))
    assert len(event_pairs) > 5
    assert len(topic_pairs) > 5

    with django_assert_max_num_queries(8):
        assert suggestions_confirm(suggestions=events) == len(event_pairs)
    with django_assert_max_num_queries(8):
        assert suggestions_reject(suggestions=topics, user=editor) == len(topic_pairs)

    assert not TagSuggestion.objects.exists()
    assert set(Article.events.through.objects.values_list("article_id", "event_id")) == (
        event_pairs
    )
    assert not Article.topics.through.objects.exists()
    assert set(TagRejection.objects.values_list("article_id", "topic_id")) == topic_pairs
    assert set(TagRejection.objects.values_list("rejected_by", flat=True)) == {editor.pk}


def test_confirming_a_tag_the_article_has_already_changes_nothing_else(untagged_seeds):
    article = untagged_seeds["003"]
    suggestion = article.suggestions.get(topic__slug="taiwan")
    article.topics.add(suggestion.topic)
    assert suggestions_confirm(suggestions=[suggestion]) == 1
    assert list(article.topics.values_list("slug", flat=True)) == ["taiwan"]


def test_a_suggestion_decided_already_is_not_counted_again(untagged_seeds, editor):
    suggestion = untagged_seeds["003"].suggestions.get(topic__slug="taiwan")
    suggestion_confirm(suggestion=suggestion)
    assert suggestion_reject(suggestion=suggestion, user=editor) == 0
    assert not TagRejection.objects.exists()


def test_a_confirmed_tag_is_found_at_once_by_the_event_filter_of_search(untagged_seeds, client):
    article = untagged_seeds["003"]
    page = client.get("/events/blinken-visit-2024-04/").content.decode()
    assert article.title not in page
    suggestion_confirm(suggestion=article.suggestions.get(event__slug="blinken-visit-2024-04"))
    page = client.get("/events/blinken-visit-2024-04/").content.decode()
    assert article.title in page
    found = Article.objects.filter(events__slug="blinken-visit-2024-04").search("Blinken")
    assert [a.pk for a in found.results[:10]] == [article.pk]
