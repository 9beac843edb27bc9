"""The article list, form and bulk tagging in the admin (archive.admin.articles)."""

import datetime
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.admin.blocks import form_data
from archive.models import Article, TagSuggestion, Topic
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/archive/article/"


def listed(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def row_of(html, title):
    """The cells' texts of the list's row for `title`."""
    for row in re.findall(r"<tr>.*?</tr>", html, re.S):
        if f">{title}<" in row:
            cells = re.findall(r"<t[dh] class=\"field-(\w+)[^\"]*\"[^>]*>(.*?)</t[dh]>", row, re.S)
            return {name: _text(cell) for name, cell in cells}
    raise AssertionError(f"no row for {title}")


def _text(cell):
    """A cell's text, its list items joined by " | "."""
    return re.sub(r"<[^>]+>", "", cell.replace("</li><li>", " | ")).strip()


# --- The list ---------------------------------------------------------------------------------


def test_each_column_shows_the_articles_date_language_tags_and_pending_suggestions(
    admin_client, tagged
):
    call = tagged["call"]
    call.topics.add(TopicFactory(name="Agriculture"))
    TagSuggestion.objects.create(article=call, topic=TopicFactory(name="Taiwan strait"))
    TagSuggestion.objects.create(article=call, event=EventFactory())
    html = admin_client.get(LIST).content.decode()
    assert row_of(html, "L&#x27;appel Trump-Xi") == {
        "title": "L&#x27;appel Trump-Xi",
        "published_display": "June 2025",
        "language": "French",
        "topics_display": "Agriculture | Trade and tariffs",
        "events_display": "Trump–Xi phone call",
        "pending_count": "2",
    }
    assert row_of(html, "Blinken visit")["published_display"] == "20 April 2024"
    assert row_of(html, "Blinken visit")["pending_count"] == "0"


def test_the_title_column_is_styled_wide_by_the_archives_admin_stylesheet(admin_client, tagged):
    html = admin_client.get(LIST).content.decode()
    assert re.search(r'<link href="/static/admin/archive\.[0-9a-f]+\.css"', html)
    assert 'class="field-title"' in html
    assert not re.search(r'<td class="field-\w+" style=', html)


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_costs_the_same_queries_for_5_or_50_articles(
    admin_client, count, django_assert_max_num_queries
):
    topic, event = TopicFactory(), EventFactory()
    for article in ArticleFactory.create_batch(count, topics=[topic], events=[event]):
        TagSuggestion.objects.create(article=article, topic=TopicFactory())
    admin_client.get(LIST)  # the session and the user, read once
    with django_assert_max_num_queries(20):
        response = admin_client.get(LIST)
    assert response.context["cl"].result_count == count


def test_the_list_query_count_does_not_grow_with_the_rows(admin_client):
    def queries(count):
        ArticleFactory.create_batch(count, topics=[TopicFactory()], events=[EventFactory()])
        admin_client.get(LIST)
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(LIST)
        return len(captured)

    assert queries(5) == queries(45)


@pytest.fixture
def catalogued():
    """Articles for the filters: languages, tags, years, a translation, a near duplicate."""
    trade, taiwan = TopicFactory(name="Trade", slug="trade"), TopicFactory(slug="taiwan")
    call = EventFactory(name="Call", slug="call")
    original = ArticleFactory(title="Original", topics=[trade], events=[call])
    articles = {
        "original": original,
        "translation": ArticleFactory(
            title="Traduction",
            language=LanguageFactory(code="fr"),
            translation_of=original,
            topics=[trade],
        ),
        "undated": ArticleFactory(
            title="Undated", published=None, date_precision="unknown", events=[call]
        ),
        "old": ArticleFactory(
            title="Old", published=datetime.date(2023, 3, 1), topics=[taiwan], title_is_derived=True
        ),
        "bare": ArticleFactory(title="Bare"),
    }
    articles["copy"] = ArticleFactory(title="Copy", near_duplicate_of=articles["bare"])
    TagSuggestion.objects.create(article=articles["bare"], topic=trade)
    return articles


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("?language=fr", {"translation"}),
        ("?topic=trade", {"original", "translation"}),
        ("?event=call", {"original", "undated"}),
        ("?year=2023", {"old"}),
        ("?year=2025", {"original", "translation", "bare", "copy"}),
        ("?year=none", {"undated"}),
        ("?translated=yes", {"original", "translation"}),
        ("?translated=no", {"undated", "old", "bare", "copy"}),
        ("?tags=untagged", {"bare", "copy"}),
        ("?tags=no-topic", {"undated", "bare", "copy"}),
        ("?tags=no-event", {"translation", "old", "bare", "copy"}),
        ("?pending=yes", {"bare"}),
        ("?pending=no", {"original", "translation", "undated", "old", "copy"}),
        ("?headline=derived", {"old"}),
        ("?headline=printed", {"original", "translation", "undated", "bare", "copy"}),
        ("?near_duplicate=yes", {"copy"}),
        ("?near_duplicate=original", {"bare"}),
        ("?near_duplicate=no", {"original", "translation", "undated", "old", "bare"}),
        ("?topic=trade&language=en", {"original"}),
        ("?published__year=2023", {"old"}),  # the date hierarchy
    ],
)
def test_each_filter_keeps_its_articles(admin_client, catalogued, query, kept):
    names = {article.pk: name for name, article in catalogued.items()}
    assert {names[article.pk] for article in listed(admin_client, query)} == kept


def test_the_filters_offer_the_values_in_use(admin_client, catalogued):
    html = admin_client.get(LIST).content.decode()
    for link in ("?language=fr", "?topic=trade", "?event=call", "?year=2023", "?year=none"):
        assert f'href="{link}"' in html


def test_a_filter_value_that_means_nothing_keeps_everything(admin_client, catalogued):
    assert len(listed(admin_client, "?year=abc")) == len(catalogued)


def test_the_search_box_uses_the_archives_search_across_languages(admin_client, seeds):
    assert listed(admin_client, "?q=Putin") == [seeds["001"]]
    assert listed(admin_client, "?q=Poetin") == [seeds["001"]]
    assert listed(admin_client, "?q=zzzunfound") == []


def test_the_search_keeps_to_the_filters_and_finds_a_source_file(admin_client, seeds):
    assert listed(admin_client, "?q=Putin&language=fr") == []
    assert listed(admin_client, "?q=001_7549e6808e136bb1") == [seeds["001"]]


def test_the_autocomplete_of_an_original_matches_as_letters_are_typed(admin_client, seeds):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "Trump-X",
            "app_label": "archive",
            "model_name": "article",
            "field_name": "translation_of",
        },
    )
    assert response.status_code == 200
    assert sorted(int(r["id"]) for r in response.json()["results"]) == sorted(
        article.pk for article in seeds.values() if "Trump-X" in article.title
    )
    assert response.json()["results"]


# --- The form ---------------------------------------------------------------------------------


def change_url(article):
    return f"/admin/archive/article/{article.pk}/change/"


def form_of(article, **changes):
    data = {
        "title": article.title,
        "language": article.language_id,
        "published": article.published.isoformat() if article.published else "",
        "date_precision": article.date_precision,
        "suggestions-TOTAL_FORMS": "0",
        "suggestions-INITIAL_FORMS": "0",
        **form_data("blocks", article.blocks),
    }
    data.update(changes)
    return data


BLOCKS = [
    {"kind": "paragraph", "text": "One."},
    {"kind": "subheading", "text": "Two"},
    {"kind": "paragraph", "text": "Three."},
]


@pytest.fixture
def article():
    return ArticleFactory(title="Blocks", blocks=BLOCKS, source_path="seeds/x.txt")


def test_the_form_edits_the_text_as_blocks_never_as_json(admin_client, article):
    html = admin_client.get(change_url(article)).content.decode()
    assert 'name="blocks-rows"' in html
    assert 'name="blocks-1-kind"' in html
    assert "Two</textarea>" in html
    assert '<textarea name="blocks"' not in html
    assert "&quot;kind&quot;" not in html


def test_source_path_and_hash_are_read_only_and_the_public_page_is_linked(admin_client, article):
    html = admin_client.get(change_url(article)).content.decode()
    assert 'name="source_path"' not in html
    assert 'name="content_hash"' not in html
    assert "seeds/x.txt" in html
    assert article.content_hash in html
    url = article.get_absolute_url()
    assert f'<a href="{url}" target="_blank" rel="noopener">{url}</a>' in html
    assert admin_client.get(url).status_code == 200


def test_blocks_are_added_removed_and_reordered_from_the_form(admin_client, article):
    data = form_of(article, **{"blocks-0-remove": "on", "blocks-2-order": "1"})
    data.update(
        {
            k: v
            for k, v in form_data(
                "blocks", BLOCKS, extra=[{"kind": "caption", "text": "Cap"}]
            ).items()
            if k.startswith("blocks-3-") or k == "blocks-rows"
        }
    )
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.blocks == [
        {"kind": "paragraph", "text": "Three."},
        {"kind": "subheading", "text": "Two"},
        {"kind": "caption", "text": "Cap"},
    ]
    assert article.edited_fields == ["blocks"]
    assert article.captions == ["Cap"]
    assert list(Article.objects.search("Cap").articles) == [article]


def test_saving_the_form_unchanged_records_no_edit_of_the_blocks(admin_client, article):
    response = admin_client.post(change_url(article), form_of(article))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.blocks == BLOCKS
    assert article.edited_fields == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"blocks-1-kind": "poem"}, "Row 2: “poem” is not a kind of block."),
        ({"blocks-1-text": ""}, "Row 2 has a kind but no text"),
        ({"blocks-0-order": "first"}, "Row 1: the position “first” is not a number."),
    ],
)
def test_invalid_blocks_are_a_form_error_and_nothing_is_saved(
    admin_client, article, changes, message
):
    response = admin_client.post(change_url(article), form_of(article, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    article.refresh_from_db()
    assert article.blocks == BLOCKS


# --- Bulk tagging -----------------------------------------------------------------------------


def action(client, name, articles, **extra):
    return client.post(
        LIST,
        {"action": name, ACTION_CHECKBOX_NAME: [a.pk for a in articles], "index": 0, **extra},
        follow="apply" in extra,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_tagging_with_an_event_asks_which_event_on_a_page_of_its_own(admin_client, tagged):
    chosen = [tagged["talks"], tagged["visit"]]
    response = action(admin_client, "tag_with_event", chosen)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tag with an event</h1>" in html
    assert "<li>Kuala Lumpur talks</li>" in html
    assert "<li>Blinken visit</li>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="event"' in html
    assert "admin-autocomplete" in html
    for article in chosen:
        assert f'name="_selected_action" value="{article.pk}"' in html
    assert 'value="tag_with_event"' in html
    assert 'class="button cancel-link"' in html
    assert not tagged["talks"].events.exists()


def test_tagging_with_an_event_tags_and_says_how_many_changed(admin_client, tagged):
    call = tagged["call"].events.get()
    chosen = [tagged["call"], tagged["talks"], tagged["visit"]]
    response = action(admin_client, "tag_with_event", chosen, apply="1", event=call.pk)
    assert response.redirect_chain[-1][0].startswith(LIST)
    assert messages_of(response) == [
        "2 articles tagged with the event “Trump–Xi phone call” (1 had it already)."
    ]
    assert set(call.articles.all()) == set(chosen)
    assert listed(admin_client, "?event=trump-xi-call-2025") == listed(admin_client)


def test_adding_and_removing_a_topic(admin_client, tagged):
    trade = tagged["talks"].topics.get()
    chosen = [tagged["talks"], tagged["visit"]]
    response = action(admin_client, "add_topic", chosen, apply="1", topic=trade.pk)
    assert messages_of(response) == [
        "1 article tagged with the topic “Trade and tariffs” (1 had it already)."
    ]
    assert tagged["visit"].topics.filter(pk=trade.pk).exists()

    page = action(admin_client, "remove_topic", chosen).content.decode()
    # Only the topics the selected articles have are offered.
    assert re.findall(r"<option value=\"\d+\">([^<]+)</option>", page) == [
        "Taiwan",
        "Trade and tariffs",
    ]
    response = action(admin_client, "remove_topic", chosen, apply="1", topic=trade.pk)
    assert messages_of(response) == [
        "2 articles no longer tagged with the topic “Trade and tariffs”."
    ]
    assert list(trade.articles.all()) == [tagged["call"]]


def test_removing_an_event(admin_client, tagged):
    call = tagged["call"].events.get()
    chosen = [tagged["call"], tagged["talks"]]
    response = action(admin_client, "remove_event", chosen, apply="1", event=call.pk)
    assert messages_of(response) == [
        "1 article no longer tagged with the event “Trump–Xi phone call” (1 did not have it)."
    ]
    assert not call.articles.exists()


def test_applying_without_a_choice_shows_the_page_again_with_an_error(admin_client, tagged):
    response = action(admin_client, "tag_with_event", [tagged["talks"]], apply="1", event="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_an_editor_who_may_only_view_articles_has_no_bulk_tagging(client, tagged):
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    html = client.get(LIST).content.decode()
    assert 'value="tag_with_event"' not in html
    response = action(client, "tag_with_event", [tagged["talks"]], apply="1", event=1)
    assert not tagged["talks"].events.exists()
    assert response.status_code == 200
    # Nor may they confirm the loader's suggestions, which would tag the articles too.
    assert 'value="confirm_suggestions"' not in html
    TagSuggestion.objects.create(
        article=tagged["talks"], topic=Topic.objects.get(slug="taiwan"), matched_words=["x"]
    )
    action(client, "confirm_suggestions", [tagged["talks"]])
    assert not tagged["talks"].topics.filter(slug="taiwan").exists()


def test_three_hundred_selected_articles_are_tagged_in_one_action(
    admin_client, django_assert_max_num_queries
):
    event = EventFactory(name="Summit")
    articles = ArticleFactory.create_batch(300)
    admin_client.get(LIST)
    # The write is one select and one insert; the rest is the list, built twice over by
    # Django for the action and once for the page it redirects to.
    with django_assert_max_num_queries(35):
        response = action(admin_client, "tag_with_event", articles, apply="1", event=event.pk)
    assert messages_of(response) == ["300 articles tagged with the event “Summit”."]
    assert event.articles.count() == 300


def test_select_all_across_pages_tags_every_filtered_article(admin_client, tagged):
    event = EventFactory(name="Summit")
    response = admin_client.post(
        LIST + "?topic=trade",
        {
            "action": "tag_with_event",
            "select_across": "1",
            "index": 0,
            ACTION_CHECKBOX_NAME: [tagged["call"].pk],
            "apply": "1",
            "event": event.pk,
        },
        follow=True,
    )
    assert messages_of(response) == ["2 articles tagged with the event “Summit”."]
    assert set(event.articles.all()) == {tagged["call"], tagged["talks"]}


def test_a_long_article_is_edited_through_the_form(admin_client):
    blocks = [{"kind": "paragraph", "text": f"Paragraph {n}."} for n in range(400)]
    article = ArticleFactory(title="Long", blocks=blocks)
    data = form_of(article, **{"blocks-399-text": "The last paragraph, edited."})
    assert len(data) > 1000  # more fields than Django takes by default
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.blocks[-1]["text"] == "The last paragraph, edited."
    assert len(article.blocks) == 400
