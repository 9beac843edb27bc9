"""Writing prepared articles: new ones inserted in bulk, changed ones saved, each by the
model's own rules for dates, timestamps, the index row and what an editor owns."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from archive.admin.blocks import form_data
from archive.dates import DatePrecision
from archive.ingest import store
from archive.ingest.services import Status
from archive.kinds import BlockKind
from archive.models import Article, Topic
from benchmarks.corpus import write_jsonl
from tests.factories import ArticleFactory, LanguageFactory
from tests.loading import DUTCH, FRENCH_STORY, load, statuses, write

pytestmark = pytest.mark.django_db


def index_row(pk):
    """What the search index holds for an article, as the database stores it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT document::text, headline::text FROM archive_search WHERE article_id = %s",
                [pk],
            )
        else:
            cursor.execute(
                "SELECT title, standfirst, body, captions FROM archive_search WHERE rowid = %s",
                [pk],
            )
        return cursor.fetchone()


# --- New articles: inserted in bulk, as save() would store them -----------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_a_new_article_inserted_in_bulk_is_stored_as_saving_it_would_store_it(
    tmp_path, settings, monkeypatch, workers
):
    now = datetime.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    settings.ARCHIVE_INGEST_WORKERS = workers
    settings.ARCHIVE_INGEST_PARALLEL_FROM_BYTES = 0
    record = {"title": "Pourparlers", "subtitle": "En Malaisie.", "body": FRENCH_STORY}
    path = write(tmp_path, "a.jsonl", json.dumps({**record, "date": "2025-06"}) + "\n")
    [outcome] = load(path)
    assert outcome.status == Status.CREATED
    inserted = Article.objects.get(pk=outcome.article.pk)
    inserted_row = index_row(inserted.pk)

    # The same article saved through the model, with a day in the month as its date and
    # no timestamps.
    values = {f.attname: getattr(inserted, f.attname) for f in store._insert_fields()}
    values.update(published=datetime.date(2025, 6, 17), created_at=None, updated_at=None)
    inserted.delete()
    saved = Article(**values)
    saved.save()
    saved.refresh_from_db()

    assert (inserted.published, inserted.date_precision) == (
        datetime.date(2025, 6, 1),
        DatePrecision.MONTH,
    )
    assert (saved.published, saved.date_precision) == (inserted.published, inserted.date_precision)
    assert (inserted.created_at, inserted.updated_at) == (now, now)
    assert (saved.created_at, saved.updated_at) == (now, now)
    assert inserted_row is not None
    assert index_row(saved.pk) == inserted_row


def test_saving_and_the_loader_date_articles_by_one_rule(tmp_path, monkeypatch):
    def by_the_year(published, precision):
        if published is None:
            return None, DatePrecision.UNKNOWN
        return published.replace(month=1, day=1), DatePrecision.YEAR

    monkeypatch.setattr(Article, "stored_date", staticmethod(by_the_year))
    path = write(tmp_path, "a.jsonl", json.dumps({"body": FRENCH_STORY, "date": "2025-06-05"}))
    [outcome] = load(path)
    loaded = Article.objects.get(pk=outcome.article.pk)
    saved = ArticleFactory(published=datetime.date(2024, 4, 20), date_precision="day")
    saved.refresh_from_db()
    assert (loaded.published, loaded.date_precision) == (datetime.date(2025, 1, 1), "year")
    assert (saved.published, saved.date_precision) == (datetime.date(2024, 1, 1), "year")
    assert (outcome.article.published, outcome.article.date_precision) == (
        loaded.published,
        loaded.date_precision,
    )


def test_a_new_article_reported_by_the_loader_is_the_article_stored(tmp_path, settings):
    # New articles are written as rows, not model instances; the outcome's article is made
    # from the same values, and must be what the database holds, for both paths.
    path = write_jsonl(tmp_path / "corpus.jsonl", count=12)
    settings.ARCHIVE_INGEST_WORKERS = 2
    settings.ARCHIVE_INGEST_PARALLEL_FROM_BYTES = 0
    outcomes = [o for o in load(path) if o.status == Status.CREATED]
    assert len(outcomes) == 12
    fields = [f.attname for f in Article._meta.concrete_fields]
    for outcome in outcomes:
        stored = Article.objects.get(pk=outcome.article.pk)
        reported = {name: getattr(outcome.article, name) for name in fields}
        assert reported == {name: getattr(stored, name) for name in fields}
        assert stored.blocks
        assert all(block["kind"] in BlockKind.values for block in stored.blocks)
        assert not outcome.article._state.adding
    first, second = (outcome.article for outcome in outcomes[:2])
    first.edited_fields.append("title")
    assert second.edited_fields == []


def test_rows_prepared_with_other_common_terms_are_made_again_with_the_archive_s(
    tmp_path, monkeypatch
):
    # As when another load, or a rebuild, stores a list of common terms while this load has
    # records prepared with the list it read when it started.
    from archive.search.maintenance import index_check, index_rebuild

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's index holds no pairs of common terms")
    index_rebuild(common={"china", "trump", "us", "beijing", "trade"})
    monkeypatch.setattr(store, "common_terms", frozenset)  # what the load read at its start
    path = write_jsonl(tmp_path / "corpus.jsonl", count=12)  # small: no list chosen for it
    assert all(o.status == Status.CREATED for o in load(path))
    assert not index_check()


# --- Changed articles: saved, keeping what an editor owns --------------------------------------


def test_a_changed_file_updates_the_text_and_keeps_every_editor_change(tmp_path):
    call_command("load_seeds", verbosity=0)  # the catalogue
    path = write(tmp_path, "talks.txt", "---\ndate: 2025-10\n---\n" + FRENCH_STORY)
    [created] = load(path)
    article = created.article
    topic = Topic.objects.get(slug="taiwan")
    article.title = "Pourparlers de Kuala Lumpur"
    article.published = datetime.date(2025, 10, 25)
    article.date_precision = DatePrecision.DAY
    article.edited_fields = ["date_precision", "published", "title"]
    article.save()
    article.topics.add(topic)

    write(tmp_path, "talks.txt", "---\ndate: 2025-11\n---\n" + FRENCH_STORY + " Fin de citation.")
    [updated] = load(path)
    assert updated.status == Status.UPDATED
    article.refresh_from_db()
    assert article.pk == updated.article.pk
    assert article.body.endswith("Fin de citation.")
    assert article.title == "Pourparlers de Kuala Lumpur"
    assert article.published == datetime.date(2025, 10, 25)
    assert article.date_precision == DatePrecision.DAY
    assert list(article.topics.all()) == [topic]
    assert not article.suggestions.filter(topic=topic).exists()
    assert Article.objects.count() == 6 + 1


def test_a_changed_file_without_editor_changes_takes_the_new_metadata(tmp_path):
    path = write(tmp_path, "a.txt", "---\ndate: 2025-10\n---\n" + FRENCH_STORY)
    [first] = load(path)
    write(tmp_path, "a.txt", "---\ndate: 2025-11-02\ntitle: Nouveau titre\n---\n" + FRENCH_STORY)
    [second] = load(path)
    assert second.status == Status.UPDATED
    article = Article.objects.get()
    assert (article.title, article.published) == ("Nouveau titre", datetime.date(2025, 11, 2))
    assert not article.title_is_derived
    assert article.created_at == first.article.created_at
    assert article.updated_at > first.article.updated_at


# The file before and after the editor's change, and what the editor changes in the admin:
# {field: (the value in the form, what the article then holds)}.
ORIGINAL = (
    "---\ntitle: Pourparlers de Kuala Lumpur\nsubtitle: Pékin et Washington en Malaisie.\n"
    "date: 2025-06\ndate_approximate: true\nsource: Le Monde\nurl: https://example.org/a\n---\n"
    + FRENCH_STORY
)
CHANGED = (
    "---\ntitle: Pourparlers, suite\nsubtitle: Pékin et Washington à nouveau.\n"
    "date: 2025-07\ndate_approximate: false\nsource: AFP\nurl: https://example.org/a\n---\n"
    + FRENCH_STORY
    + " Fin de citation."
)
EDITS = {
    "title": ("Un titre d'éditeur", "Un titre d'éditeur"),
    "title_en": ("Talks in Kuala Lumpur", "Talks in Kuala Lumpur"),
    "standfirst": ("Un chapeau d'éditeur.", "Un chapeau d'éditeur."),
    "blocks": (
        form_data("blocks", [{"kind": "paragraph", "text": "Un texte d'éditeur."}]),
        [{"kind": "paragraph", "text": "Un texte d'éditeur."}],
    ),
    "language": ("nl", "nl"),  # the form takes the language's id
    "published": ("2025-05-01", datetime.date(2025, 5, 1)),
    "date_precision": ("year", "year"),
    "date_approximate": (False, False),
    "source_name": ("Le Monde diplomatique", "Le Monde diplomatique"),
    "source_url": ("https://example.org/edited", "https://example.org/edited"),
}


def admin_form(article, **changes):
    """The admin's change form for `article` as a browser posts it, with `changes`."""
    form = {
        "title": article.title,
        "title_is_derived": article.title_is_derived,
        "title_en": article.title_en,
        "language": article.language_id,
        "published": article.published.isoformat() if article.published else "",
        "date_precision": article.date_precision,
        "date_approximate": article.date_approximate,
        "standfirst": article.standfirst,
        **form_data("blocks", article.blocks),
        "source_name": article.source_name,
        "source_url": article.source_url,
        "suggestions-TOTAL_FORMS": "0",
        "suggestions-INITIAL_FORMS": "0",
        **changes,
    }
    # An unticked box is not sent at all.
    return {name: value for name, value in form.items() if value is not False}


def test_every_field_an_editor_owns_has_a_case_below():
    # Topics and events: tests/test_reload_keeps_edits.py.
    assert set(EDITS) == Article.EDITOR_OWNED_FIELDS - Article.EDITOR_OWNED_TAGS


@pytest.mark.parametrize("field", sorted(EDITS))
def test_a_field_changed_in_the_admin_survives_a_reload_of_the_file(admin_client, tmp_path, field):
    path = write(tmp_path, "talks.md", ORIGINAL)
    [outcome] = load(path)
    article = outcome.article
    value, held = EDITS[field]
    if field == "language":
        value = LanguageFactory(code="nl").pk
    changes = value if field == "blocks" else {field: value}  # the block editor's rows
    response = admin_client.post(
        f"/admin/archive/article/{article.pk}/change/", admin_form(article, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].errors
    article.refresh_from_db()
    # A year's precision moves the stored date to the year's first day: the date changed too.
    assert article.edited_fields == {"date_precision": ["date_precision", "published"]}.get(
        field, [field]
    )
    edited = Article.objects.get(pk=article.pk)

    write(tmp_path, "talks.md", CHANGED)
    [reloaded] = load(path)
    assert reloaded.status == Status.UPDATED
    article.refresh_from_db()
    stored = article.language.code if field == "language" else getattr(article, field)
    assert stored == held
    if field in Article.EDITED_TOGETHER:
        for other in Article.EDITED_TOGETHER[field]:
            assert getattr(article, other) == getattr(edited, other)
    # The rest follows the file.
    assert article.content_hash != edited.content_hash
    if field not in ("source_name",):
        assert article.source_name == "AFP"
    if field not in ("published", "date_precision"):
        assert (article.published, article.date_precision) == (datetime.date(2025, 7, 1), "month")


def _changed_in_a_shell(client, article, field, value):
    setattr(article, field, value)
    article.save()


def _changed_in_bulk(client, article, field, value):
    Article.objects.filter(pk=article.pk).editor_update(**{field: value})


def _changed_by_a_restore(client, article, field, value):
    """The editor's value was a version of its own once: restored from the history."""
    original = getattr(article, field)
    setattr(article, field, value)
    article.save()
    setattr(article, field, original)
    article.save(from_source=True)  # as if the file had said so since
    version = article.history.filter(**{field: value}).latest("history_date")
    response = client.post(
        f"/admin/archive/article/{article.pk}/history/{version.history_id}/",
        admin_form(version.instance),
    )
    assert response.status_code == 302, response.context["adminform"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Un titre d'éditeur"), ("published", datetime.date(2025, 5, 1))],
)
@pytest.mark.parametrize(
    "change", [_changed_in_a_shell, _changed_in_bulk, _changed_by_a_restore], ids=str
)
def test_a_change_made_outside_the_admin_form_survives_a_reload_of_the_file(
    admin_client, tmp_path, change, field, value
):
    path = write(tmp_path, "talks.md", ORIGINAL)
    [outcome] = load(path)
    article = Article.objects.get(pk=outcome.article.pk)
    change(admin_client, article, field, value)
    article.refresh_from_db()
    assert field in article.edited_fields
    assert getattr(article, field) == value

    write(tmp_path, "talks.md", CHANGED)
    [reloaded] = load(path)
    assert reloaded.status == Status.UPDATED
    article.refresh_from_db()
    assert getattr(article, field) == value
    assert article.source_name == "AFP"  # the rest follows the file


# --- Duplicates ----------------------------------------------------------------------------


def test_an_exact_duplicate_under_another_name_is_not_stored_twice(tmp_path):
    write(tmp_path, "a.txt", DUTCH)
    write(tmp_path, "b.txt", "\ufeff" + DUTCH.replace("\n", "\r\n").upper())
    outcomes = load(tmp_path)
    assert statuses(outcomes) == [Status.CREATED, Status.DUPLICATE]
    assert "same text as #" in outcomes[1].detail
    assert Article.objects.count() == 1


def test_a_near_duplicate_is_stored_and_flagged(tmp_path):
    write(tmp_path, "a.txt", "Les terres rares au cœur des pourparlers\n\n" + FRENCH_STORY)
    write(tmp_path, "b.txt", "Pékin serre la vis sur les terres rares\n\n" + FRENCH_STORY)
    write(tmp_path, "c.txt", "Autre chose\n\n" + DUTCH)
    first, second, other = load(tmp_path)
    assert statuses([first, second, other]) == [Status.CREATED] * 3
    assert second.article.near_duplicate_of == first.article
    assert second.near_duplicate_of == first.article.pk
    assert first.article.near_duplicate_of is None
    assert other.article.near_duplicate_of is None


def test_a_near_duplicate_in_a_later_load_is_flagged_and_a_flag_is_kept_on_reload(tmp_path):
    write(tmp_path, "a.txt", "Les terres rares au cœur des pourparlers\n\n" + FRENCH_STORY)
    [first] = load(tmp_path / "a.txt")
    write(tmp_path, "b.txt", "Pékin serre la vis sur les terres rares\n\n" + FRENCH_STORY)
    [second] = load(tmp_path / "b.txt")
    assert second.near_duplicate_of == first.article.pk
    write(tmp_path, "b.txt", "Pékin serre la vis\n\n" + FRENCH_STORY + " Fin.")
    [again] = load(tmp_path / "b.txt")
    assert again.status == Status.UPDATED
    assert Article.objects.get(pk=second.article.pk).near_duplicate_of_id == first.article.pk
