"""SQLite: an FTS5 table `archive_search` whose rowid is the article's id, with the analysed
terms of the four fields (headline, standfirst, body, captions) as space-separated text.

FTS5 knows where each word stands: a phrase is answered from the index, and the list of
common terms the PostgreSQL index needs for phrases stays empty here.
"""

import json

from django.db import connection

from archive.db import placeholders
from archive.search.backends.base import FACETS_INDEX, FIELDS, TABLE, SearchBackend
from archive.search.query import to_fts5


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"
    key = "rowid"
    row_columns = ("rowid", *FIELDS)
    # Looking every match up in the wide article rows is what SQLite's planner would do.
    counts_most_from_facets_index = True
    year_sql = "(CAST(substr(published, 1, 4) AS integer))"
    month_sql = "(CAST(substr(published, 1, 4) || substr(published, 6, 2) AS integer))"
    date_text_sql = "COALESCE(published, '0')"

    def create_sql(self):
        return [
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(FIELDS)}, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        ]

    def row_values(self, terms, *, common=frozenset()):
        return tuple(" ".join(terms[name]) for name in FIELDS)

    def rows_write(self, rows, *, common):
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(pk,) for pk, _ in rows])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}) VALUES (%s, %s, %s, %s, %s)",
                [(pk, *self.row_values(terms)) for pk, terms in rows],
            )

    def rows_outdated(self, expected):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {', '.join(FIELDS)} FROM {TABLE} "
                f"WHERE rowid IN ({placeholders(len(expected))})",
                list(expected),
            )
            stored = {row[0]: row[1:] for row in cursor.fetchall()}
        return [pk for pk, terms in expected.items() if stored.get(pk) != self.row_values(terms)]

    def written(self, required, excluded, *, common):
        # The headline query names FTS5's title column; the whole query is one expression.
        expression = to_fts5(required)
        headline = f"{{title}} : ({expression})"
        if excluded:
            unwanted = " OR ".join(to_fts5([node]) for node in excluded)
            expression = f"({expression}) NOT ({unwanted})"
            headline = f"({headline}) NOT ({unwanted})"
        return expression, headline, [expression]

    def written_any(self, nodes, *, common):
        return " OR ".join(f"({to_fts5([node])})" for node in nodes)

    def matching_sql(self, expression, *, within=None):
        """The ids within `within` are written `+rowid IN`, which FTS5 reads as a filter on
        its scan rather than as one index lookup per id (each of which would run the whole
        query again)."""
        [expression] = [expression] if isinstance(expression, str) else list(expression)
        sql, params = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression]
        if within is not None:
            sql, params = f"{sql} AND +rowid IN ({within[0]})", [*params, *within[1]]
        return sql, params

    def headline_matches_sql(self, headline_expression):
        # The expression names the title column.
        return self.matching_sql(headline_expression)

    def scored_sql(self, expression, ids):
        # bm25 with column weights, lower for better matches: negated so that higher is
        # better, as on PostgreSQL. The ids filter the query's matches (`+rowid`): FTS5 would
        # run the query again for each id.
        return (
            f"SELECT {TABLE}.rowid, -bm25({TABLE}, 10.0, 4.0, 1.0, 0.5), published FROM {TABLE} "
            f"JOIN archive_article ON archive_article.id = {TABLE}.rowid WHERE {TABLE} MATCH %s "
            f"AND +{TABLE}.rowid IN (SELECT value FROM json_each(%s))",
            [expression, json.dumps(list(ids))],
        )

    def joined_sql(self, column):
        return f"group_concat({column})"

    def through_facets_index(self, table):
        return f"{table} INDEXED BY {FACETS_INDEX}"

    def facet_rows(self, table, *, most):
        """For most of the archive, the facets index (and the tag tables) are read through
        and each entry looked up among the matches, rather than every match looked up in the
        wide article rows; for a few matches the lookups are cheaper."""
        if most:
            return self.through_facets_index(table), "+article_id"
        return table, "article_id"
