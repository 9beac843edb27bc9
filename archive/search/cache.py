"""Search answers remembered until the data they were computed from changes.

Counting and ranking every match of a near-universal word is the slow part of search, and
readers ask the same questions again (the home page, a popular query, the next page). An
answer is kept in Django's cache under the query, its filters and the *data version*: a
token that database triggers replace on every write to the tables search reads (articles,
their topics and events, topics, events, languages, the thesaurus: see migrations 0007 and
0010), whatever writes them — the admin, the loader, a shell, another server process;
rebuilding the search index renews it too. So a cached answer is never served for data
other than the data it was computed from, and any cache backend is safe: the default
per-process memory cache, or a shared one (Redis, Memcached) configured in CACHES.

The token is random rather than a counter so that a rolled-back transaction, which puts the
old token back, can never make a later write reuse a token an answer was cached under.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection

TABLE = "archive_dataversion"
_MISSING = object()


def data_version():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def version_renew():
    """A new data version, for writes the triggers cannot see (the FTS5 index table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET token = %s WHERE id = 1", [secrets.token_hex(16)])


def remembered(key, compute, *, version):
    """compute(), or what it returned before for `key` at this data version."""
    if not settings.ARCHIVE_SEARCH_CACHE_SECONDS:
        return compute()
    digest = hashlib.sha256(repr((connection.alias, version, key)).encode()).hexdigest()
    cache_key = f"archive:search:{digest}"
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(cache_key, value, settings.ARCHIVE_SEARCH_CACHE_SECONDS)
    return value


def create_sql(vendor, tables):
    """The version table, and the triggers that renew its token on every write to `tables`."""
    statements = [f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, token varchar(32) NOT NULL)"]
    if vendor == "postgresql":
        new_token = "md5(random()::text || clock_timestamp()::text)"
        statements.append(
            "CREATE FUNCTION archive_dataversion_renew() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO {TABLE} (id, token) VALUES (1, {new_token}) "
            "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token; RETURN NULL; END $$"
        )
    return statements + triggers_sql(vendor, tables)


def triggers_sql(vendor, tables):
    """Triggers renewing the token on every write to `tables` (the table exists already)."""
    if vendor == "postgresql":
        # Once per statement: a loader's COPY of a thousand rows renews it once.
        return [
            f"CREATE TRIGGER {table}_renews_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION archive_dataversion_renew()"
            for table in tables
        ]
    new_token = "lower(hex(randomblob(16)))"
    return [
        f"CREATE TRIGGER {table}_{operation.lower()}_renews_version "
        f"AFTER {operation} ON {table} BEGIN "
        f"INSERT INTO {TABLE} (id, token) VALUES (1, {new_token}) "
        "ON CONFLICT (id) DO UPDATE SET token = excluded.token; END"
        for table in tables
        for operation in ("INSERT", "UPDATE", "DELETE")
    ]


def drop_triggers_sql(vendor, tables):
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_renews_version ON {t}" for t in tables]
    return [
        f"DROP TRIGGER IF EXISTS {t}_{op}_renews_version"
        for t in tables
        for op in ("insert", "update", "delete")
    ]


def drop_sql(vendor, tables):
    statements = drop_triggers_sql(vendor, tables)
    if vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS archive_dataversion_renew()")
    return [*statements, f"DROP TABLE IF EXISTS {TABLE}"]
