"""Writing many rows at once, the fastest way each database offers."""

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
    """Bring the query planner's statistics up to date after a large load.

    PostgreSQL's autovacuum would get there in its own time (and is sometimes off); until it
    does, the planner guesses, for instance that a common word matches a handful of rows.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")
        else:
            cursor.execute("PRAGMA optimize")
