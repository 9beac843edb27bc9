"""Writing many rows at once, the fastest way each database offers."""

import contextlib

from django.db import connection


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
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", rows
            )


def statistics_refresh(tables):
    """Bring PostgreSQL's planner statistics up to date after a large load.

    Its autovacuum would get there in its own time (and is sometimes off); until it does,
    the planner guesses, for instance that a common word matches a handful of rows.
    SQLite is left without statistics on purpose: with them, its planner reads the wide
    article rows for a filter by language rather than the language index (4.8 s instead of
    0.3 s for a filtered search of 100,000 articles, measured); without, it uses the index.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")


@contextlib.contextmanager
def bulk_writes():
    """Session settings for a load's many commits, undone when it ends (PostgreSQL).

    Commits do not wait for the write-ahead log to reach the disk: a crash can lose the
    last commits, never corrupt anything, and the loader, which loads the same files to the
    same result, takes them up again. (SQLite keeps its defaults: a load of 100,000
    articles measured slower with WAL and synchronous=NORMAL, 808 against 850 a second.)
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
