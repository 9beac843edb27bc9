"""The backend of each database: the index it describes is the one the migrations made, and
what its rows hold."""

import re

import pytest
from django.db import connection

from archive.search.backends import backend_for
from archive.search.backends.base import TABLE
from archive.search.backends.postgres import COMMON_TABLE
from archive.search.maintenance import index_check, index_rebuild
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_the_index_the_backend_creates_is_the_one_the_migrations_made():
    backend = backend_for(connection)
    assert backend.vendor == connection.vendor
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite keeps each statement that made a table as it was written.
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [TABLE])
            assert [row[0] for row in cursor.fetchall()] == backend.create_sql()
            return
        cursor.execute("SELECT current_schema()")
        migrated = cursor.fetchone()[0]
        # Made again in a schema of its own, which the test's rollback removes.
        cursor.execute("CREATE SCHEMA scratch")
        cursor.execute("SET LOCAL search_path TO scratch")
        for statement in backend.create_sql():
            cursor.execute(statement)
        assert _described(cursor, "scratch") == _described(cursor, migrated)


def _described(cursor, schema):
    """The columns and indexes of the index's tables in `schema`, named without it."""
    tables = [TABLE, COMMON_TABLE]
    cursor.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_schema = %s AND table_name = ANY(%s) "
        "ORDER BY table_name, ordinal_position",
        [schema, tables],
    )
    columns = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, replace(indexdef, %s, '') FROM pg_indexes "
        "WHERE schemaname = %s AND tablename = ANY(%s) ORDER BY indexname",
        [f"{schema}.", schema, tables],
    )
    return columns, cursor.fetchall()


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
