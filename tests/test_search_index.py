import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import Article
from archive.search.index import (
    TABLE,
    articles_unindex,
    common_terms,
    index_check,
    index_rebuild,
    indexed_ids,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_every_saved_article_has_its_row_and_the_check_agrees(seeds):
    assert indexed_ids() == set(Article.objects.values_list("pk", flat=True))
    assert not index_check()


def test_the_check_reports_missing_orphaned_and_outdated_rows_and_a_rebuild_mends_them(
    seeds, capsys
):
    missing, outdated = seeds["000"].pk, seeds["001"].pk
    articles_unindex([missing])
    Article.objects.filter(pk=outdated).update(title="A title the index never saw")
    key = "article_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"INSERT INTO {TABLE} ({key}, document) VALUES (999999, 'x')")
        else:
            cursor.execute(f"INSERT INTO {TABLE} (rowid, title) VALUES (999999, 'x')")

    drift = index_check()
    assert (drift.missing, drift.orphaned, drift.outdated) == ([missing], [999999], [outdated])
    with pytest.raises(CommandError, match="drifted"):
        call_command("rebuild_search_index", "--check")
    assert "missing: 1" in capsys.readouterr().out

    call_command("rebuild_search_index")
    assert "Indexed 6 articles." in capsys.readouterr().out
    assert not index_check()
    call_command("rebuild_search_index", "--check")
    assert "in step" in capsys.readouterr().out
    assert Article.objects.search("never saw").articles.get().pk == outdated


def test_an_edit_that_fails_leaves_article_and_index_as_they_were(seeds):
    from django.db import transaction

    article = seeds["002"]

    def edit_then_crash():
        with transaction.atomic():
            article.title = "Kuching"
            article.save()
            raise RuntimeError("crash after the save")

    with pytest.raises(RuntimeError):
        edit_then_crash()
    assert Article.objects.search("Kuching").articles.count() == 0
    assert not index_check()


def test_terms_from_texts_folded_beforehand_are_the_terms_of_the_texts(seeds):
    from archive.ingest.tagging import texts_of
    from archive.search.index import article_terms, document_terms
    from archive.text import fold

    for article in Article.objects.select_related("language"):
        folded = {text: fold(text) for text in texts_of(article)}
        given = document_terms(
            title=article.title,
            title_en=article.title_en,
            standfirst=article.standfirst,
            blocks=article.blocks,
            language=article.language.code,
            folded=folded,
        )
        assert given == article_terms(article)
        assert given["body"]


def test_a_rebuild_chooses_the_common_terms_once_the_archive_is_large_enough(seeds, monkeypatch):
    from archive.search import index

    index_rebuild()
    assert common_terms() == frozenset()  # six articles: phrases are cheap to read anyway

    monkeypatch.setattr(index, "COMMON_FROM_ARTICLES", 6)
    index_rebuild()
    if connection.vendor == "postgresql":
        common = common_terms()
        assert len(common) == index.COMMON_TERMS
        assert "trump" in common  # in every seed but one
        assert not any("_" in term for term in common)  # pair terms are not candidates
    else:
        assert common_terms() == frozenset()
    assert not index_check()


def test_postgresql_rows_hold_pairs_of_neighbouring_common_terms_within_a_field(db):
    article = ArticleFactory(
        title="Soybean talks", standfirst="Purchases resume", body="Soybean purchases resume."
    )
    index_rebuild(common={"soybean", "purchas", "purchases", "resum", "resume"})
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            pytest.skip("SQLite's index knows where each word stands: it holds no pairs")
        cursor.execute(f"SELECT document::text FROM {TABLE} WHERE article_id = %s", [article.pk])
        document = cursor.fetchone()[0]
    pairs = sorted(term for term in re.findall(r"'([^']+)'", document) if "_" in term)
    # "talks" is not common; "resume" ends the standfirst and "soybean" begins the body.
    assert pairs == ["purchas_resum", "soybean_purchas"]
    assert not index_check()
