"""What search asks of a database, and what the two backends share.

The index holds one row per article, in each database's own structure (backends/sqlite.py,
backends/postgres.py), with exactly the terms `archive.search.analysis` gives: both find the
same articles for a query. A backend creates the index, writes its rows, writes a query in
its database's syntax, selects the matches and the headline matches, and scores them; it
also words what facet counting and the columns in memory read in that database's SQL.
Rows are written in the caller's transaction: an article and its index row are saved,
changed or deleted together.

Backends hold no state: `backend_for(connection)` gives one per kind of database. Its
methods that write work on the default connection, the primary; those that read, on the
database the current request reads (archive.routing.reading_connection), as the rest of
search does.
"""

import contextlib

from django.db import connection

from archive.db import rows_insert

TABLE = "archive_search"
FIELDS = ("title", "standfirst", "body", "captions")
# Facet counts for a word in most articles read this index (migration 0011) instead of the
# articles: in the order of the groups, without touching the table's wide rows.
FACETS_INDEX = "article_facets_idx"
# How many common terms an index whose rows hold pairs of them has (documents.most_common).
COMMON_TERMS = 100


class SearchBackend:
    vendor = ""
    key = ""  # the index table's column holding an article's id
    row_columns = ()  # the index table's columns, in the order of (id, *row_values)
    # Whether the index holds pairs of neighbouring common terms, with a list of common terms
    # chosen from the archive (documents.common_terms); without, the list is always empty.
    chooses_common_terms = False
    # Whether facet counts for matches that are most of the archive read the facets index
    # (facets.facet_counts); without, the database's planner makes that choice itself.
    counts_most_from_facets_index = False
    # Whether a subquery named WITH and used several times is found once for all its uses.
    keeps_named_subqueries = False
    # SQL for the year of an article's publication date, as the facets index writes it.
    year_sql = ""
    # SQL for the month of a publication date as a number: 202506 for June 2025.
    month_sql = ""
    # SQL for a publication date as ISO text, '0' for none (columns._build).
    date_text_sql = ""

    def create_sql(self):
        """The statements that make the index as it is now. The migrations hold their own
        frozen copies: a change here comes with a migration (tests/test_search_backends.py
        holds the two equal)."""
        raise NotImplementedError

    # --- Rows ---------------------------------------------------------------------------------

    def row_values(self, terms, *, common=frozenset()):
        """What the index row of these terms (by field) holds, ready for the database.

        `common` is the list of common terms the index is written with."""
        raise NotImplementedError

    def rows_add(self, rows):
        """Add (article id, *row_values) rows for articles that have none yet."""
        rows_insert(TABLE, list(self.row_columns), rows)

    def rows_write(self, rows, *, common):
        """Write (article id, terms by field) rows, replacing any the articles had."""
        raise NotImplementedError

    def rows_delete(self, ids):
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {TABLE} WHERE {self.key} = %s", [(pk,) for pk in ids])

    def rows_clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def indexed_ids(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.key} FROM {TABLE}")
            return {row[0] for row in cursor.fetchall()}

    def rows_outdated(self, expected):
        """Those of the articles {id: terms by field} whose rows hold other terms, or none."""
        raise NotImplementedError

    # --- Common terms: none, unless the backend `chooses_common_terms` -----------------------

    def common_terms(self):
        return frozenset()

    def common_terms_held(self, *, exclusive=False):
        return frozenset()

    def common_terms_choose(self):
        return frozenset()

    def common_terms_store(self, terms):
        pass

    # --- Queries ------------------------------------------------------------------------------

    def written(self, required, excluded, *, common):
        """(the query, what the headlines must match for the headline-first ranking, the
        query as alternatives that together select the matches), for `matching_sql`,
        `headline_matches_sql` and `scored_sql`. `required` and `excluded` are nodes of
        `archive.search.query`; `common` is the index's list of common terms."""
        raise NotImplementedError

    def written_any(self, nodes, *, common):
        """The query matching any of these nodes."""
        raise NotImplementedError

    def matching_sql(self, expression, *, within=None):
        """SQL selecting the ids of indexed articles that match a written query, and its
        params. `expression` may be a list of alternatives, any of which matches; `within`
        (sql, params) limits them to those ids: the reader's other filters."""
        raise NotImplementedError

    def headline_matches_sql(self, headline_expression):
        """SQL selecting the ids of the articles whose headlines match, and its params."""
        raise NotImplementedError

    def scored_sql(self, expression, ids):
        """SQL for (id, score, publication date) of the articles `ids` that match
        `expression`, higher scores better, and its params. Headlines weigh most, then the
        standfirst, the body and the captions. Reads what it scores whole: only the chosen
        few are scored (see results.ranked)."""
        raise NotImplementedError

    def index_first(self):
        """A context in which queries are planned from the indexes."""
        return contextlib.nullcontext()

    # --- Facets and the columns in memory ----------------------------------------------------

    def joined_sql(self, column):
        """SQL aggregating `column` of a group as one comma-separated string."""
        raise NotImplementedError

    def through_facets_index(self, table):
        """`table` read through the facets index, where the database has to be told so."""
        return table

    def facet_rows(self, table, *, most):
        """(the articles table, the tag tables' article column) as facet counting names them
        for matches that are (`most`) or are not most of the archive."""
        return table, "article_id"
