import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Concept, ConceptLabel, Event, Language, Topic
from archive.search.cache import data_version
from tests.factories import ArticleFactory, EventFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    """A tagged article; an untagged one, and a topic and an event that tag nothing yet."""
    TopicFactory(slug="spare")
    EventFactory(slug="spare")
    ArticleFactory(title="Untagged")
    return ArticleFactory(
        title="Tariffs rise", body="Soybeans.", topics=[TopicFactory()], events=[EventFactory()]
    )


def _raw(sql, *params):
    """A write that neither signals nor the ORM's cascades see: only a trigger can."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


WRITES = {
    "create": lambda a: ArticleFactory(),
    "bulk create": lambda a: Article.objects.bulk_create(
        ArticleFactory.build_batch(2, language=a.language)
    ),
    "edit": lambda a: (setattr(a, "title", "Tariffs fall"), a.save()),
    "update many": lambda a: Article.objects.all().update(source_name="Reuters"),
    "update without signals": lambda a: _raw(
        "UPDATE archive_article SET title = %s WHERE id = %s", "Raw", a.pk
    ),
    "delete": lambda a: a.delete(),
    "delete without signals": lambda a: _raw(
        "DELETE FROM archive_article WHERE id = %s", Article.objects.get(title="Untagged").pk
    ),
    "delete many": lambda a: Article.objects.all().delete(),
    "add a topic": lambda a: a.topics.add(Topic.objects.get(slug="spare")),
    "remove a topic": lambda a: a.topics.clear(),
    "add an event": lambda a: a.events.add(Event.objects.get(slug="spare")),
    "remove an event": lambda a: a.events.clear(),
    "rename a topic": lambda a: Topic.objects.filter(articles=a).update(name="Renamed"),
    "rename an event": lambda a: Event.objects.filter(articles=a).update(name="Renamed"),
    "rename a language": lambda a: Language.objects.filter(code="en").update(name_en="Eng"),
    "add a concept": lambda a: Concept.objects.create(name="Putin"),
    "label a concept": lambda a: ConceptLabel.objects.create(
        concept=Concept.objects.create(name="Putin"), language=a.language, text="Poetin"
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_to_what_search_reads_renews_the_data_version(article, write):
    before = data_version()
    assert before
    write(article)
    assert data_version() not in ("", before)


def test_renaming_a_topic_through_the_model_renews_the_data_version(article):
    topic = article.topics.get()
    before = data_version()
    topic.name = "Renamed"
    topic.save()
    assert data_version() != before
    before = data_version()
    Event.objects.create(name="New", slug="new")
    assert data_version() != before


def test_a_remembered_count_is_not_served_after_an_edit(settings, article):
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    ArticleFactory(title="Tariffs again")
    assert Article.objects.search("tariff").count() == 2
    assert Article.objects.search("tariff").facets()["language"][0]["count"] == 2
    article.title = "Soybeans rise"
    article.save()
    search = Article.objects.search("tariff")
    assert search.count() == 1
    assert search.facets()["language"][0]["count"] == 1
    assert [a.title for a in search.results[0:10]] == ["Tariffs again"]


def test_an_answer_is_remembered_at_one_data_version(settings, article, django_assert_num_queries):
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    assert Article.objects.search("tariff").count() == 1
    search = Article.objects.search("tariff")
    with django_assert_num_queries(0):
        assert search.count() == 1


def test_with_no_cache_time_nothing_is_remembered(settings, article):
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 0
    for _ in range(2):
        search = Article.objects.search("tariff", sort="newest")
        with CaptureQueriesContext(connection) as queries:
            assert search.count() == 1
        # The matches are read from the index each time.
        assert [q["sql"] for q in queries if "archive_search" in q["sql"]] != []
        with CaptureQueriesContext(connection) as queries:
            search.facets()
        assert len(queries) > 0


def test_articles_the_loader_writes_are_found_by_a_search_remembered_before(settings, db):
    from archive.ingest.services import articles_load

    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    before = data_version()
    assert Article.objects.search("Trump").count() == 0
    list(articles_load(paths=[settings.BASE_DIR / "seeds"]))  # COPY on PostgreSQL
    assert data_version() != before
    assert Article.objects.search("Trump").count() == 6


def test_a_rebuilt_index_is_not_answered_from_before_the_rebuild(settings, article):
    from archive.search.documents import articles_unindex

    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    articles_unindex([article.pk])  # an index out of step with its articles
    assert Article.objects.search("tariff").count() == 0
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert Article.objects.search("tariff").count() == 1


def test_an_added_thesaurus_label_is_used_by_the_next_search(settings, article):
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    assert Article.objects.search("Soja").count() == 0
    concept = Concept.objects.create(name="Soybeans")
    ConceptLabel.objects.create(concept=concept, language=article.language, text="Soybeans")
    ConceptLabel.objects.create(concept=concept, language=article.language, text="Soja")
    search = Article.objects.search("Soja")
    assert search.count() == 1
    assert search.expansions


def test_relabelling_or_removing_a_concept_renews_the_data_version(article):
    concept = Concept.objects.create(name="Putin")
    ConceptLabel.objects.create(concept=concept, language=article.language, text="Poetin")
    versions = [data_version()]
    ConceptLabel.objects.update(text="Poutine")
    versions.append(data_version())
    concept.delete()
    versions.append(data_version())
    assert len(set(versions)) == 3


def test_without_a_data_version_nothing_is_remembered(settings, article):
    """A flushed database has no version row until its next write: answers kept under the
    empty version would be served for another database flushed the same way."""
    settings.ARCHIVE_SEARCH_CACHE_SECONDS = 600
    _raw("DELETE FROM archive_dataversion")
    assert data_version() == ""
    for _ in range(2):
        search = Article.objects.search("tariff")
        with CaptureQueriesContext(connection) as queries:
            assert search.count() == 1
        assert [q["sql"] for q in queries if "archive_search" in q["sql"]] != []


def test_writing_the_index_renews_the_version_after_the_article_itself(article):
    """A save outside a transaction commits the article (renewing the version) before its
    index row is written: an answer computed in between, from the old index, must not be
    kept under the version readers see once the index is written."""
    from archive.search.documents import articles_index, articles_unindex

    before = data_version()
    articles_index([article])
    assert data_version() != before
    before = data_version()
    articles_unindex([article.pk])
    assert data_version() != before
