import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import Article
from archive.search.backends import postgres
from archive.search.backends.base import COMMON_TERMS, TABLE
from archive.search.documents import articles_unindex, common_terms
from archive.search.maintenance import index_check, index_rebuild, indexed_ids

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


def test_a_rebuild_chooses_the_common_terms_once_the_archive_is_large_enough(seeds, monkeypatch):
    index_rebuild()
    assert common_terms() == frozenset()  # six articles: phrases are cheap to read anyway

    monkeypatch.setattr(postgres, "COMMON_FROM_ARTICLES", 6)
    index_rebuild()
    if connection.vendor == "postgresql":
        common = common_terms()
        assert len(common) == COMMON_TERMS
        assert "trump" in common  # in every seed but one
        assert not any("_" in term for term in common)  # pair terms are not candidates
    else:
        assert common_terms() == frozenset()
    assert not index_check()
