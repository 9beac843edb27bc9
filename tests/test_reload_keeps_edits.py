"""A reload of the source files keeps what editors changed in the admin: titles, dates,
tags, rejected suggestions and edited blocks; the file's other changes still reach the
article."""

import datetime
import shutil

import pytest
import yaml

from archive.admin.blocks import form_data
from archive.ingest.services import articles_load
from archive.models import Article, Event, TagRejection, TagSuggestion, Topic
from tests.factories import ArticleFactory, EventFactory, TopicFactory

LIST = "/admin/archive/article/"


@pytest.fixture
def folder(db, settings, tmp_path):
    """The seed files, copied where a test may change them, and loaded."""
    folder = tmp_path / "seeds"
    shutil.copytree(settings.BASE_DIR / "seeds", folder)
    list(articles_load(paths=[folder]))  # a generator: it loads as it is read
    return folder


def seed(number):
    """The article of the seed file `number` ("003" is Blinken's visit to China)."""
    return Article.objects.get(source_path__contains=f"/{number}_")


def source_of(article, folder, suffix):
    return folder / article.source_path.split("/")[-1].replace(".txt", suffix)


def file_change(article, folder, **metadata):
    """Change the article's file (its metadata and its text), so that a load reads it
    again: an unchanged file is skipped whole."""
    sidecar = source_of(article, folder, ".yaml")
    values = yaml.safe_load(sidecar.read_text())
    values.update(metadata)
    sidecar.write_text(yaml.safe_dump(values, allow_unicode=True))
    text = source_of(article, folder, ".txt")
    text.write_text(text.read_text() + "\n\nA paragraph the file gained since.\n")


def reload(folder):
    outcomes = [o for o in articles_load(paths=[folder]) if o.article]
    assert "updated" in [o.status for o in outcomes]


def form_of(article, **changes):
    """What the admin's change form posts for `article` as it is stored, with `changes`."""
    data = {
        "title": article.title,
        "title_en": article.title_en,
        "language": article.language_id,
        "published": article.published.isoformat() if article.published else "",
        "date_precision": article.date_precision,
        "topics": [t.pk for t in article.topics.all()],
        "events": [e.pk for e in article.events.all()],
        "standfirst": article.standfirst,
        "translation_of": article.translation_of_id or "",
        "near_duplicate_of": article.near_duplicate_of_id or "",
        "source_name": article.source_name,
        "source_url": article.source_url,
        "suggestions-TOTAL_FORMS": "0",
        "suggestions-INITIAL_FORMS": "0",
        **form_data("blocks", article.blocks),
    }
    for flag in ("title_is_derived", "date_approximate"):
        if getattr(article, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def slugs(relation):
    return sorted(relation.values_list("slug", flat=True))


def test_a_reload_keeps_every_edit_made_in_the_admin_and_applies_the_rest(admin_client, folder):
    article = seed("002")
    rare_earths = article.topics.get(slug="rare-earths")
    assert article.edited_fields == []
    suggestion = TagSuggestion.objects.filter(article=article).first()
    assert suggestion is not None, "the article has a suggestion to reject"
    blocks = [
        {"kind": "paragraph", "text": "An editor's only paragraph."},
        {"kind": "subheading", "text": "An editor's subheading"},
    ]

    # The editor rejects a suggestion, then changes the title, the date, the topics (one the
    # file names taken away) and the blocks in the form.
    response = admin_client.post(f"/admin/archive/tagsuggestion/{suggestion.pk}/reject/")
    assert response.status_code == 302
    data = form_of(
        article,
        title="Terres rares : Pékin serre la vis",
        published="2025-10-01",
        date_precision="month",
        topics=[t.pk for t in article.topics.exclude(pk=rare_earths.pk)],
    )
    data.update(form_data("blocks", blocks))
    response = admin_client.post(f"{LIST}{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert set(article.edited_fields) == {
        "title",
        "published",
        "date_precision",
        "topics",
        "blocks",
    }
    topics, events = slugs(article.topics), slugs(article.events)
    assert "rare-earths" not in topics

    # The file then changes: its date, its source, one more event, its text.
    event = Event.objects.exclude(articles=article).order_by("slug").first()
    names = yaml.safe_load(source_of(article, folder, ".yaml").read_text())["events"]
    file_change(article, folder, date="2025-10-26", source="Reuters", events=[*names, event.slug])
    reload(folder)

    article.refresh_from_db()
    assert article.title == "Terres rares : Pékin serre la vis"
    assert (article.published, article.date_precision) == (datetime.date(2025, 10, 1), "month")
    assert [block["text"] for block in article.blocks] == [b["text"] for b in blocks]
    assert slugs(article.topics) == topics
    assert TagRejection.objects.filter(article=article).count() == 1
    rejected = suggestion.topic or suggestion.event
    assert not TagSuggestion.objects.filter(
        article=article, topic_id=suggestion.topic_id, event_id=suggestion.event_id
    ).exists(), f"{rejected} suggested again"
    # What the editor did not touch follows the file.
    assert article.source_name == "Reuters"
    assert slugs(article.events) == sorted([*events, event.slug])
    # The public page shows the editor's headline and paragraph.
    page = admin_client.get(article.get_absolute_url()).content.decode()
    assert "Terres rares : Pékin serre la vis" in page
    assert "An editor&#x27;s only paragraph." in page or "An editor’s only paragraph." in page


def test_the_files_new_tags_reach_an_article_whose_tags_no_editor_changed(folder):
    article = seed("003")
    topic = Topic.objects.exclude(articles=article).order_by("slug").first()
    names = yaml.safe_load(source_of(article, folder, ".yaml").read_text())["topics"]
    file_change(article, folder, topics=[*names, topic.slug])
    reload(folder)
    assert article.topics.filter(pk=topic.pk).exists()
    assert Article.objects.get(pk=article.pk).edited_fields == []


def test_a_topic_removed_by_the_bulk_action_stays_removed(admin_client, folder):
    article = seed("003")
    taiwan = Topic.objects.get(slug="taiwan")
    others = list(Article.objects.filter(topics=taiwan).exclude(pk=article.pk))
    response = admin_client.post(
        LIST,
        {
            "action": "remove_topic",
            "_selected_action": [article.pk],
            "apply": "1",
            "topic": taiwan.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.edited_fields == ["topics"]
    assert all(other.edited_fields == [] for other in others)

    file_change(article, folder, source="Reuters")
    reload(folder)
    article.refresh_from_db()
    assert not article.topics.filter(pk=taiwan.pk).exists()
    assert article.source_name == "Reuters"


def test_an_event_removed_by_the_bulk_action_stays_removed(admin_client, folder):
    article = seed("003")
    visit = Event.objects.get(slug="blinken-visit-2024-04")
    admin_client.post(
        LIST,
        {
            "action": "remove_event",
            "_selected_action": [article.pk],
            "apply": "1",
            "event": visit.pk,
        },
    )
    article.refresh_from_db()
    assert article.edited_fields == ["events"]
    file_change(article, folder)
    reload(folder)
    assert not article.events.filter(pk=visit.pk).exists()
    # The topics were not the editor's: the file's reach the article still.
    assert "taiwan" in slugs(article.topics)


def test_bulk_tagging_hundreds_records_the_edit_in_a_few_queries(
    admin_client, django_assert_max_num_queries
):
    from archive.editing import articles_tag, articles_untag

    topic = TopicFactory()
    ArticleFactory.create_batch(30)
    articles = Article.objects.all()
    with django_assert_max_num_queries(6):
        assert articles_tag(articles=articles, topic=topic) == 30
    assert {tuple(a.edited_fields) for a in Article.objects.all()} == {("topics",)}
    with django_assert_max_num_queries(6):
        assert articles_untag(articles=articles, topic=topic) == 30
    assert not topic.articles.exists()


def test_every_change_through_the_relation_is_an_editors(db):
    article = ArticleFactory()
    topic, event = TopicFactory(), EventFactory()
    Article.objects.filter(pk=article.pk).update(edited_fields=[])

    article.topics.add(topic)
    assert Article.objects.get(pk=article.pk).edited_fields == ["topics"]
    assert article.edited_fields == ["topics"]

    event.articles.add(article)  # from the event's side
    assert Article.objects.get(pk=article.pk).edited_fields == ["events", "topics"]

    Article.objects.filter(pk=article.pk).update(edited_fields=[])
    article.topics.set([topic])  # nothing changes: nothing noted
    assert Article.objects.get(pk=article.pk).edited_fields == []
    article.events.clear()
    assert Article.objects.get(pk=article.pk).edited_fields == ["events"]
    topic.articles.clear()
    assert Article.objects.get(pk=article.pk).edited_fields == ["events", "topics"]


def test_a_save_after_a_tag_change_keeps_the_note(db):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(edited_fields=[])
    stale = Article.objects.get(pk=article.pk)
    article.topics.add(TopicFactory())
    stale.title = "Another headline"
    stale.save()
    assert Article.objects.get(pk=article.pk).edited_fields == ["title", "topics"]


def test_confirming_a_suggestion_is_an_editors_choice_of_tags(admin_client, untagged_seeds):
    suggestion = TagSuggestion.objects.filter(topic__isnull=False).first()
    response = admin_client.post(f"/admin/archive/tagsuggestion/{suggestion.pk}/confirm/")
    assert response.status_code == 302
    assert Article.objects.get(pk=suggestion.article_id).edited_fields == ["topics"]


def test_loading_notes_no_edit(folder):
    assert [a.edited_fields for a in Article.objects.all()] == [[]] * Article.objects.count()


def test_merging_events_is_not_an_edit_of_the_articles_events(folder):
    from archive.events import events_merge

    article = seed("003")
    visit, call = article.events.filter(slug__in=["blinken-visit-2024-04", "biden-xi-call-2024-04"])
    events_merge(keep=visit, merged=[call])
    assert Article.objects.get(pk=article.pk).edited_fields == []
