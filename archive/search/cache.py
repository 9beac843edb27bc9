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

With read replicas (archive.routing) a public page reads the version from the same replica
as everything else it reads, so an answer is cached under the version of the data that
computed it, and a reader is never served an answer older than the data its replica holds.
The version is replicated data: the same token means the same data on the primary and on
every replica, so all of them share the answers, which are keyed by version and not by
database. A reader on a replica that lags sees that replica's data, cached answers
included: answers as old as the lag (docs/scaling.md).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from archive.routing import reading_connection

TABLE = "archive_dataversion"
_MISSING = object()


def data_version():
    """The version of the data the current request reads (archive.routing)."""
    with reading_connection().cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def version_renew():
    """A new data version, for writes the triggers cannot see (the FTS5 index table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET token = %s WHERE id = 1", [secrets.token_hex(16)])


def remembered(key, compute, *, version):
    """compute(), or what it returned before for `key` at this data version. Without a
    version (its row gone: a flushed database, as between transactional tests), nothing
    is remembered: writes could not renew it, so any answer kept under it could be stale."""
    if not settings.ARCHIVE_SEARCH_CACHE_SECONDS or not version:
        return compute()
    cache_key = _cache_key("search", version, key)
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(cache_key, value, settings.ARCHIVE_SEARCH_CACHE_SECONDS)
    return value


def response_remembered(key, compute, *, version, seconds):
    """A whole response: compute()'s, or the one it gave before for `key` at this data
    version. Only a complete 200 answer is kept (not a stream, not one setting a cookie or
    asking not to be stored); a template response is kept once it is rendered, as Django's
    own cache middleware does."""
    if not seconds or not version:
        return compute()
    cache_key = _cache_key("page", version, key)
    response = cache.get(cache_key)
    if response is not None:
        return response
    response = compute()
    if not _storable(response):
        return response
    if callable(getattr(response, "render", None)) and not response.is_rendered:
        response.add_post_render_callback(lambda rendered: cache.set(cache_key, rendered, seconds))
    else:
        cache.set(cache_key, response, seconds)
    return response


def _cache_key(kind, version, key):
    return f"archive:{kind}:{hashlib.sha256(repr((version, key)).encode()).hexdigest()}"


def _storable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in cache_control
        and "private" not in cache_control
    )
