"""The index follows articles saved and deleted through the ORM (archive.search.signals)."""

import pytest
from django.db import transaction
from django.db.models.signals import post_save

from archive.models import Article
from archive.search.maintenance import index_check
from tests.factories import ArticleFactory, LanguageFactory

pytestmark = pytest.mark.django_db


def found(text):
    return list(Article.objects.search(text).articles.values_list("pk", flat=True))


def test_the_index_follows_edits_and_deletions(seeds):
    article = seeds["002"]
    article.title = "Pourparlers à Kuching"
    article.save()
    assert found("Kuching") == [article.pk]
    article.delete()
    assert found("Kuching") == []
    assert found("Lumpur") == []
    assert not index_check()


def test_a_new_article_is_found_as_soon_as_it_is_saved(db):
    article = ArticleFactory(
        title="Zorgen over de zeldzame aardmetalen",
        body="Nieuwe exportregels.",
        language=LanguageFactory(code="nl"),
    )
    assert found("aardmetaal") == [article.pk]


def test_an_edit_that_fails_leaves_article_and_index_as_they_were(seeds):
    article = seeds["002"]

    def edit_then_crash():
        with transaction.atomic():
            article.title = "Kuching"
            article.save()
            raise RuntimeError("crash after the save")

    with pytest.raises(RuntimeError):
        edit_then_crash()
    assert found("Kuching") == []
    assert not index_check()


def test_saving_only_fields_the_index_does_not_read_leaves_its_row_alone(db):
    article = ArticleFactory(title="Rare earths", body="Export controls.")
    # Changed behind the ORM's back, so that only a new row would show it.
    Article.objects.filter(pk=article.pk).update(title="Soybeans")
    article.refresh_from_db()
    article.save(update_fields=["source_name", "date_approximate"])
    assert found("rare") == [article.pk]
    assert found("soybeans") == []
    article.save(update_fields=["title"])
    assert found("soybeans") == [article.pk]
    assert found("rare") == []


def test_a_raw_save_from_a_fixture_is_not_indexed(db):
    article = ArticleFactory(title="Rare earths", body="Export controls.")
    Article.objects.filter(pk=article.pk).update(title="Soybeans")
    article.refresh_from_db()
    post_save.send(Article, instance=article, created=False, raw=True, update_fields=None)
    assert found("soybeans") == []
    post_save.send(Article, instance=article, created=False, raw=False, update_fields=None)
    assert found("soybeans") == [article.pk]
