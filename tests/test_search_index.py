import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import Article
from archive.search.index import TABLE, articles_unindex, index_check, indexed_ids

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
