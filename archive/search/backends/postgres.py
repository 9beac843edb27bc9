"""PostgreSQL: a table `archive_search` of (article_id, document tsvector, headline tsvector)
with a GIN index on each.

The tsvectors are written literally, terms and positions computed in Python, with weights A
(headlines) to D (captions), so PostgreSQL's own parser never sees the text. Each pair of
neighbouring *common* terms is a term there too (`analysis.pair_term`): GIN finds a phrase of
common words by it instead of reading every document that holds both words. The list of
common terms is kept in `archive_search_common`, empty until chosen (`common_terms_choose`),
and every row is written with the same list (documents.common_terms).
"""

import contextlib
import itertools
import operator
from collections import defaultdict

from django.db import connection, transaction

from archive.db import placeholders
from archive.routing import reading_connection
from archive.search.analysis import PAIR_SEPARATOR
from archive.search.backends.base import COMMON_TERMS, FIELDS, TABLE, SearchBackend
from archive.search.query import to_tsquery, tsquery_alternatives

# PostgreSQL keeps term positions up to this; later words still match, not as phrases.
MAX_POSITION = 16383
WEIGHTS = dict(zip(FIELDS, "ABCD", strict=True))
COMMON_TABLE = "archive_search_common"
# The common terms are chosen from this many articles, and only once the archive has as many
# as COMMON_FROM_ARTICLES: below that, reading every document of a phrase is cheap anyway.
COMMON_SAMPLE = 10_000
COMMON_FROM_ARTICLES = 1_000
# An advisory lock on the list of common terms, held shared by transactions that write index
# rows and exclusively by one that changes the list (`common_terms_held`).
COMMON_LOCK = 0x61726368_636F6D6D  # "archcomm"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    key = "article_id"
    row_columns = ("article_id", "document", "headline")
    chooses_common_terms = True
    keeps_named_subqueries = True
    year_sql = "(CAST(EXTRACT(YEAR FROM published) AS integer))"
    month_sql = "(CAST(to_char(published, 'YYYYMM') AS integer))"
    date_text_sql = "COALESCE(published::text, '0')"

    def create_sql(self):
        """The headlines' terms have a tsvector and a GIN index of their own: a
        weight-restricted query ('china':A) cannot be answered from the GIN index alone, and
        PostgreSQL would read every matching document to check its weights. No foreign key:
        Django empties tables with TRUNCATE, which a reference from here would refuse;
        deleting an article deletes its row (archive.search.signals)."""
        return [
            f"CREATE TABLE {TABLE} (article_id bigint PRIMARY KEY, document tsvector NOT NULL, "
            "headline tsvector NOT NULL DEFAULT ''::tsvector)",
            f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
            f"CREATE INDEX {TABLE}_headline ON {TABLE} USING gin (headline)",
            f"CREATE TABLE {COMMON_TABLE} (term text PRIMARY KEY)",
        ]

    # --- Rows ---------------------------------------------------------------------------------

    def row_values(self, terms, *, common=frozenset()):
        return _tsvector(terms, common), _tsvector({"title": terms["title"]}, common)

    def rows_write(self, rows, *, common):
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (article_id, document, headline) "
                "VALUES (%s, %s::tsvector, %s::tsvector) ON CONFLICT (article_id) "
                "DO UPDATE SET document = EXCLUDED.document, headline = EXCLUDED.headline",
                [(pk, *self.row_values(terms, common=common)) for pk, terms in rows],
            )

    def rows_outdated(self, expected):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id, document::text, headline::text FROM {TABLE} "
                f"WHERE article_id IN ({placeholders(len(expected))})",
                list(expected),
            )
            stored = {pk: values for pk, *values in cursor.fetchall()}
            # PostgreSQL's own text form of what the row should hold, to compare like with like.
            common = self.common_terms()
            cursor.execute(
                "SELECT " + ", ".join(["%s::tsvector::text"] * (2 * len(expected))),
                [
                    value
                    for terms in expected.values()
                    for value in self.row_values(terms, common=common)
                ],
            )
            wanted = cursor.fetchone()
        return [
            pk
            for number, pk in enumerate(expected)
            if stored.get(pk) != list(wanted[2 * number : 2 * number + 2])
        ]

    # --- Common terms -------------------------------------------------------------------------

    def common_terms(self):
        return _common_terms(reading_connection())

    def common_terms_held(self, *, exclusive=False):
        # A writer's: the lock and the list it guards are the primary's.
        with connection.cursor() as cursor:
            function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
            cursor.execute(f"SELECT {function}(%s)", [COMMON_LOCK])
        return _common_terms(connection)

    def common_terms_choose(self):
        """The common terms of the newest indexed articles, or none for a small archive."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            if cursor.fetchone()[0] < COMMON_FROM_ARTICLES:
                return frozenset()
            # Pair terms (with "_", which no word holds) are not words: they are left out.
            cursor.execute(
                "SELECT word FROM ts_stat(%s) WHERE strpos(word, '_') = 0 "
                "ORDER BY ndoc DESC, word LIMIT %s",
                [
                    f"SELECT document FROM {TABLE} ORDER BY article_id DESC LIMIT {COMMON_SAMPLE}",
                    COMMON_TERMS,
                ],
            )
            return frozenset(row[0] for row in cursor.fetchall())

    def common_terms_store(self, terms):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {COMMON_TABLE}")
            cursor.executemany(
                f"INSERT INTO {COMMON_TABLE} (term) VALUES (%s)",
                [(term,) for term in sorted(terms)],
            )

    # --- Queries ------------------------------------------------------------------------------

    def written(self, required, excluded, *, common):
        """The headlines are matched by their own tsvector, so the headline query is the
        query without its exclusions (the whole query also has to match). A phrase may be
        split in two alternatives (`query.tsquery_alternatives`)."""
        unwanted = "".join(f" & !({to_tsquery([node], common=common)})" for node in excluded)
        wanted = to_tsquery(required, common=common)
        alternatives = tsquery_alternatives(required, common=common)
        if not excluded:
            return wanted, wanted, alternatives
        alternatives = [f"({alternative}){unwanted}" for alternative in alternatives]
        return f"({wanted}){unwanted}", wanted, alternatives

    def written_any(self, nodes, *, common):
        return " | ".join(f"({to_tsquery([node], common=common)})" for node in nodes)

    def matching_sql(self, expression, *, within=None):
        """Each alternative is its own GIN lookup, and only the documents an alternative with
        a phrase selects are read to check it."""
        alternatives = [expression] if isinstance(expression, str) else list(expression)
        condition = " OR ".join(["document @@ %s::tsquery"] * len(alternatives))
        sql, params = f"SELECT article_id FROM {TABLE} WHERE ({condition})", alternatives
        if within is not None:
            sql, params = f"{sql} AND article_id IN ({within[0]})", [*params, *within[1]]
        # OFFSET 0 keeps PostgreSQL from folding the match into a join that it would walk in
        # date order, checking one document after another (each decompressed whole) until a
        # page is full: for a rare word, every document. Kept apart, the match is one GIN
        # lookup whose ids the outer query then looks up.
        return f"{sql} OFFSET 0", params

    def headline_matches_sql(self, headline_expression):
        # From the headlines' own index, which answers without reading a document.
        return f"SELECT article_id FROM {TABLE} WHERE headline @@ %s::tsquery", [
            headline_expression
        ]

    def scored_sql(self, expression, ids):
        # ts_rank_cd, which also rewards matches close together, with field weights.
        return (
            f"SELECT article_id, ts_rank_cd('{{0.1, 0.2, 0.4, 1.0}}', document, %s::tsquery), "
            f"published FROM {TABLE} JOIN archive_article ON archive_article.id = article_id "
            "WHERE article_id = ANY(%s)",
            [expression, list(ids)],
        )

    @contextlib.contextmanager
    def index_first(self):
        """Plan the queries inside from the indexes, not by reading the table.

        The planner prices a sequential scan that checks `document @@ query` row by row as
        cheap, not counting that each check decompresses a whole document: for a word in most
        articles it then prefers that scan, far slower than the GIN bitmap.

        Turning sequential scans off prices every one that remains (a small table's, where no
        index serves) in the billions, and a plan priced that high is compiled by the JIT
        before it runs. No search query runs long enough to repay compiling, so the JIT is off
        here too.
        """
        reading = reading_connection()
        with transaction.atomic(using=reading.alias):
            with reading.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL jit = off")
            yield

    # --- Facets and the columns in memory ----------------------------------------------------

    def joined_sql(self, column):
        return f"string_agg(({column})::text, ',')"


def _common_terms(connection):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM {COMMON_TABLE}")
        return frozenset(row[0] for row in cursor.fetchall())


def _tsvector(terms, common):
    """A tsvector literal: each term with its positions and the weight of its field, and
    each pair of neighbouring common terms in a field as a term of its own.

    Each field's positions are slices of a table of position strings and its pairs are
    picked with itertools, so the only Python loop over the words groups each term's
    positions. One entry per term, not per occurrence (which PostgreSQL also reads): the
    server reads the literal faster.
    """
    entry_terms, entry_places = [], []
    position = 0
    for name in FIELDS:
        field_terms = terms.get(name) or []
        count = len(field_terms)
        places = _places(WEIGHTS[name], position + 1, count)
        entry_terms += field_terms
        entry_places += places
        if common and count > 1:
            # both[k]: terms k and k + 1 are common. Past MAX_POSITION words share one
            # position and are no phrase: no pairs there.
            is_common = list(map(common.__contains__, field_terms))
            both = list(map(operator.and_, is_common, is_common[1:]))
            both = both[: max(0, MAX_POSITION - position - 2)]
            firsts = itertools.compress(field_terms, both)
            seconds = itertools.compress(field_terms[1:], both)
            entry_terms += map(PAIR_SEPARATOR.join, zip(firsts, seconds, strict=True))
            entry_places += itertools.compress(places[1:], both)
        position = min(position + count + 1, MAX_POSITION)  # no phrase across two fields
    positions = defaultdict(list)
    for term, place in zip(entry_terms, entry_places, strict=True):
        positions[term].append(place)
    return " ".join(map("'{}':{}".format, positions, map(",".join, positions.values())))


def _places(weight, first, count):
    """`count` positions from `first`, with their weight ("12C"), capped at MAX_POSITION."""
    places = _PLACES.get(weight)
    if places is None:
        places = _PLACES[weight] = [f"{p}{weight}" for p in range(MAX_POSITION + 1)]
    if first + count - 1 <= MAX_POSITION:
        return places[first : first + count]
    kept = places[first : MAX_POSITION + 1]
    return kept + [places[MAX_POSITION]] * (count - len(kept))


_PLACES = {}
