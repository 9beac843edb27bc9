"""What differs between the two databases outside search (archive.search.backends): writing
many rows at once, the fastest way each offers; a load's session settings; which errors say
that another transaction was in the way; and where each sorts NULLs."""

import contextlib

from django.db import OperationalError, connection

# PostgreSQL's "try the transaction again": deadlock, serialization failure, lock timeout.
RETRY_SQLSTATES = {"40P01", "40001", "55P03"}


def placeholders(count):
    """`count` query parameters, comma-separated: "%s, %s, %s"."""
    return ", ".join(["%s"] * count)


def rows_insert(table, columns, rows):
    """Insert rows of values already in the database's terms (see the callers)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk load: no statement to parse and plan for each row.
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders(len(columns))})",
                rows,
            )


def rows_in(sql, values):
    """The rows of `sql`, whose `{values}` stands for a list of placeholders for `values`.

    For the loader's lookups of a batch by key or hash: a queryset's `__in` prepares each of
    the batch's thousands of values through its field, which cost more than the query.
    """
    values = list(values)
    if not values:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql.format(values=placeholders(len(values))), values)
        return cursor.fetchall()


def contended(error):
    """Whether a database error says that another transaction was in the way: SQLite's lock
    timeout, or one of PostgreSQL's RETRY_SQLSTATES."""
    if not isinstance(error, OperationalError):
        return False
    if connection.vendor == "sqlite":
        return "locked" in str(error)
    return getattr(error.__cause__, "sqlstate", None) in RETRY_SQLSTATES


def nulls_last(connection, *, descending):
    """The `nulls_last` of an order by a nullable column that puts NULLs last: None where
    that is the database's own order, in which it reads the column's index, True where it
    has to be asked. PostgreSQL sorts NULLs last ascending, SQLite descending."""
    if connection.vendor == "postgresql":
        return True if descending else None
    return None if descending else True


def statistics_refresh(tables):
    """Bring PostgreSQL's planner statistics up to date after a large load.

    Its autovacuum would get there in its own time (and is sometimes off); until it does,
    the planner guesses, for instance that a common word matches a handful of rows.
    SQLite is left without statistics on purpose: with them, its planner reads the wide
    article rows for a filter by language rather than the language index, many times slower
    (docs/performance.md, "Choices measured"); without, it uses the index.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")


# SQLite's page cache for a load, in KiB: every article goes into a dozen B-trees (the
# table, its indexes, the search index), whose pages a 2 MB cache keeps reading back.
LOAD_CACHE_KIB = 64 * 1024
# PostgreSQL's pending list of new GIN entries during a load, in KiB (4 MB by default).
GIN_PENDING_KIB = 64 * 1024


@contextlib.contextmanager
def bulk_writes():
    """Session settings for a load's many commits, undone when it ends.

    PostgreSQL: commits do not wait for the write-ahead log to reach the disk. A crash can
    lose the last commits, never corrupt anything, and the loader, which loads the same
    files to the same result, takes them up again. New GIN entries wait in a larger pending
    list (GIN_PENDING_KIB), merged into the index in fewer, larger batches, and the list is
    merged at the end so that searches after the load do not read through it.
    SQLite: a larger page cache. Its journal is WAL with synchronous=NORMAL, for every
    connection (settings.DATABASES): with immediate transactions and a lock timeout it lets
    two loads run at once (both failed with "database is locked" before) while pages are
    read without waiting for them, at no cost to a single load's rate (docs/performance.md).
    """
    if connection.vendor == "postgresql":
        settings = {
            "synchronous_commit": "off",
            "gin_pending_list_limit": str(GIN_PENDING_KIB),
            "work_mem": f"{GIN_PENDING_KIB}kB",
        }
        set_sql = [f"SET {name} TO '{value}'" for name, value in settings.items()]
        reset_sql = [f"RESET {name}" for name in settings]
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
        set_sql = [f"PRAGMA cache_size = -{LOAD_CACHE_KIB}"]
        reset_sql = [f"PRAGMA cache_size = {int(previous)}"]
    with connection.cursor() as cursor:
        for statement in set_sql:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.needs_rollback:
                cursor.execute(
                    "SELECT gin_clean_pending_list(indexrelid::regclass) FROM pg_index "
                    "JOIN pg_class ON pg_class.oid = indexrelid JOIN pg_am ON pg_am.oid = relam "
                    "WHERE amname = 'gin' AND indrelid = %s::regclass",
                    ["archive_search"],
                )
            for statement in reset_sql:
                cursor.execute(statement)
