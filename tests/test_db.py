import pytest
from django.db import connection

from archive.db import LOAD_CACHE_KIB, bulk_writes
from archive.ingest.services import articles_load

pytestmark = pytest.mark.django_db


def synchronous_commit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def load_settings():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('synchronous_commit'), "
            "current_setting('gin_pending_list_limit'), current_setting('work_mem')"
        )
        return cursor.fetchone()


def test_a_load_commits_without_waiting_for_the_disk_and_then_restores_the_settings(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    before = load_settings()
    (tmp_path / "a.txt").write_text("A headline\n\n" + "Words of a paragraph here. " * 20)
    during = [load_settings() for _ in articles_load(paths=[tmp_path])]
    assert during == [("off", "64MB", "64MB")]
    assert load_settings() == before
    assert before[0] != "off"


def test_bulk_writes_restores_the_setting_when_the_load_fails():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    before = synchronous_commit()
    with pytest.raises(RuntimeError), bulk_writes():
        raise RuntimeError("the load broke")
    assert synchronous_commit() == before


def cache_size():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


def test_a_load_on_sqlite_has_a_larger_page_cache_and_then_restores_it():
    if connection.vendor != "sqlite":
        pytest.skip("an SQLite setting")
    before = cache_size()
    during = []

    def load():
        with bulk_writes():
            during.append(cache_size())
            raise RuntimeError("the load broke")

    with pytest.raises(RuntimeError):
        load()
    assert during == [-LOAD_CACHE_KIB] != [before]
    assert cache_size() == before


def test_rows_in_reads_the_rows_matching_a_list_of_values():
    from archive.db import rows_in
    from archive.models import Language

    for code in ("nl", "fr"):
        Language.objects.get_or_create(code=code, defaults={"name_en": code, "name_native": code})
    sql = "SELECT code FROM archive_language WHERE code IN ({values}) ORDER BY code"
    assert rows_in(sql, ["fr", "nl", "xx"]) == [("fr",), ("nl",)]
    assert rows_in(sql, []) == []
