import datetime

import pytest
from django.db import IntegrityError

from archive.dates import DatePrecision
from archive.models import Article
from tests.factories import ArticleFactory, EventFactory

pytestmark = pytest.mark.django_db


def test_a_month_is_stored_as_its_first_day_and_shown_as_a_month():
    article = ArticleFactory(published=datetime.date(2025, 6, 17), date_precision="month")
    article.refresh_from_db()
    assert article.published == datetime.date(2025, 6, 1)
    assert article.published_display == "June 2025"
    assert article.published_iso == "2025-06"


def test_no_date_means_unknown_precision_whatever_was_asked():
    article = ArticleFactory(published=None, date_precision=DatePrecision.DAY)
    article.refresh_from_db()
    assert article.date_precision == DatePrecision.UNKNOWN
    assert article.published_display == "Date unknown"


def test_a_date_with_unknown_precision_is_taken_as_a_day():
    article = ArticleFactory(published=datetime.date(2024, 4, 20), date_precision="unknown")
    assert article.date_precision == DatePrecision.DAY


def test_the_database_refuses_a_date_without_a_precision():
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(date_precision=DatePrecision.UNKNOWN)


def test_the_same_text_cannot_be_stored_twice():
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        ArticleFactory(content_hash=article.content_hash)


def test_slug_follows_the_title_in_any_script():
    assert (
        ArticleFactory.build(title="Trump–Xi call boosts image").slug == "trumpxi-call-boosts-image"
    )
    assert ArticleFactory.build(title="特朗普与习近平通话").slug == "特朗普与习近平通话"
    assert ArticleFactory.build(title="!!!").slug == "article"


def test_absolute_url_carries_id_and_slug():
    article = ArticleFactory(title="Heel veel sojabonen")
    assert article.get_absolute_url() == f"/articles/{article.pk}/heel-veel-sojabonen/"


def test_newest_first_puts_undated_articles_last():
    undated = ArticleFactory(published=None)
    old = ArticleFactory(published=datetime.date(2019, 2, 1))
    new = ArticleFactory(published=datetime.date(2025, 10, 25))
    assert list(Article.objects.newest_first()) == [new, old, undated]


def test_published_between_keeps_imprecise_dates_whose_period_overlaps():
    june = ArticleFactory(published=datetime.date(2025, 6, 1), date_precision="month")
    year = ArticleFactory(published=datetime.date(2025, 1, 1), date_precision="year")
    day = ArticleFactory(published=datetime.date(2025, 6, 5), date_precision="day")
    ArticleFactory(published=None)
    ArticleFactory(published=datetime.date(2025, 7, 1))

    found = Article.objects.published_between(
        date_from=datetime.date(2025, 6, 10), date_to=datetime.date(2025, 6, 20)
    )
    assert set(found) == {june, year}
    found = Article.objects.published_between(date_to=datetime.date(2025, 6, 5))
    assert set(found) == {june, year, day}


def test_published_between_is_the_overlap_of_each_articles_period_with_the_range():
    from archive.dates import period_end, period_start

    days = [datetime.date(2024, 12, 31), datetime.date(2025, 1, 1), datetime.date(2025, 5, 31)]
    days += [datetime.date(2025, 6, d) for d in (1, 9, 10, 11, 30)]
    days += [datetime.date(2025, 7, 1), datetime.date(2025, 12, 31), datetime.date(2026, 1, 1)]
    periods = {
        ArticleFactory(published=period_start(day, precision), date_precision=precision): (
            period_start(day, precision),
            period_end(day, precision),
        )
        for day in days
        for precision in ("day", "month", "year")
    }
    ArticleFactory(published=None)
    for date_from in [None, *days]:
        for date_to in [None, *days]:
            expected = {
                article
                for article, (start, end) in periods.items()
                if (date_from is None or end >= date_from) and (date_to is None or start <= date_to)
            }
            found = Article.objects.published_between(date_from=date_from, date_to=date_to)
            if date_from is None and date_to is None:
                continue  # no bounds: undated articles are kept too
            assert set(found) == expected, (date_from, date_to)


def test_search_needs_every_word_in_the_headline_or_the_text():
    both = ArticleFactory(title="Rare earths", body="Export controls tightened.")
    ArticleFactory(title="Rare earths", body="Nothing else.")
    search = Article.objects.search("rare CONTROLS")
    assert (list(search.articles), search.notes) == ([both], [])


def test_event_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        EventFactory(start_date=datetime.date(2025, 10, 26), end_date=datetime.date(2025, 10, 25))


def test_event_date_display_covers_a_range():
    event = EventFactory.build(
        start_date=datetime.date(2025, 10, 25), end_date=datetime.date(2025, 10, 26)
    )
    assert event.date_display == "25–26 October 2025"


def test_an_editor_s_change_is_recorded_for_the_fields_the_editor_owns():
    article = ArticleFactory.build(title_is_derived=True, edited_fields=["source_name"])
    assert article.edits_record(["title", "near_duplicate_of", "standfirst"]) == {
        "title",
        "standfirst",
    }
    assert article.edited_fields == ["source_name", "standfirst", "title"]
    assert not article.title_is_derived  # an editor's headline is not derived from the text


@pytest.mark.parametrize(
    ("edited", "kept"),
    [
        ([], set()),
        (["title"], {"title", "title_is_derived"}),
        (["language", "blocks"], {"language_id", "blocks"}),
        (["published"], {"published", "date_precision"}),
        (["date_precision"], {"published", "date_precision"}),
    ],
)
def test_a_reload_keeps_each_edited_field_and_what_goes_with_it(edited, kept):
    assert ArticleFactory.build(edited_fields=edited).kept_on_reload() == kept


def test_save_notes_what_changed_in_the_fields_an_editor_owns_wherever_it_is_called():
    article = ArticleFactory(title="Trump and Xi speak")
    assert article.edited_fields == []  # a new article: nothing to keep from a file yet
    article = Article.objects.get(pk=article.pk)
    article.title = "Trump and Xi speak by phone"
    article.published = datetime.date(2025, 6, 20)
    article.near_duplicate_of = ArticleFactory()  # the loader's, not the editor's
    article.save()
    article.refresh_from_db()
    assert article.edited_fields == ["published", "title"]
    assert not article.title_is_derived


def test_save_notes_a_change_made_in_place_and_keeps_what_was_noted_before():
    article = ArticleFactory(edited_fields=["source_name"])
    article.blocks.append({"kind": "paragraph", "text": "One more."})
    article.edited_fields = []  # as in a version from before the first edit
    article.save()
    article.refresh_from_db()
    assert article.edited_fields == ["blocks", "source_name"]


def test_save_with_update_fields_notes_and_stores_what_changed_among_them():
    article = ArticleFactory(title="Old", standfirst="Old.")
    article.title, article.standfirst = "New", "New."
    article.save(update_fields=["title"])
    article = Article.objects.get(pk=article.pk)
    assert (article.title, article.standfirst, article.edited_fields) == ("New", "Old.", ["title"])


def test_the_loader_s_save_notes_nothing():
    article = ArticleFactory()
    article.title = "From the file"
    article.save(from_source=True)
    article.refresh_from_db()
    assert (article.title, article.edited_fields) == ("From the file", [])


def test_editor_update_saves_each_article_so_that_edits_history_and_search_follow():
    changed, same = ArticleFactory(source_name="AFP"), ArticleFactory(source_name="Reuters")
    assert Article.objects.all().editor_update(source_name="Reuters") == 1
    changed.refresh_from_db()
    assert (changed.source_name, changed.edited_fields) == ("Reuters", ["source_name"])
    assert Article.objects.get(pk=same.pk).edited_fields == []
    assert changed.history.first().source_name == "Reuters"
    Article.objects.filter(pk=changed.pk).editor_update(title="Zhongnanhai")
    assert list(Article.objects.search("Zhongnanhai").articles) == [changed]


@pytest.mark.parametrize(
    ("source_url", "link"),
    [
        ("https://www.nrc.nl/soja", "https://www.nrc.nl/soja"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("javascript:alert(1)", ""),
        ("JAVASCRIPT:alert(1)", ""),
        (" https://example.org/", ""),
        ("data:text/html,<script>", ""),
        ("", ""),
    ],
)
def test_only_a_web_address_is_a_source_link(source_url, link):
    assert Article(source_url=source_url).source_link == link
