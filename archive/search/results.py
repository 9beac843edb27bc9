"""A search's matches: their count, facets and order, read a page at a time.

Ranking is bounded so that it does not grow with the number of matches: for a word found in
nearly every article, scoring every match (bm25, ts_rank_cd) is what makes naive search slow.
The candidates are the newest `ARCHIVE_SEARCH_RANKED` matches whose headlines match and the
newest as many of all matches; those are scored, headline matches first, and every other
match follows them newest first. A query with fewer matches than that is ranked exactly.
"""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.utils.safestring import mark_safe

from archive.routing import reading_connection
from archive.search import cache, columns
from archive.search.backends import backend_for
from archive.search.facets import facet_counts, labelled, most_of_archive
from archive.search.snippets import Wanted, article_snippet

# Filters that keep fewer articles than this are applied in SQL with the query, where the
# database looks up each kept article; more, and they are applied to the query's matches in
# memory (see Search.matched_ids).
FILTERED_IN_SQL_BELOW = 20_000


@dataclass
class Search:
    articles: object  # the matching articles, a queryset
    notes: list[str] = field(default_factory=list)
    expansions: list = field(default_factory=list)
    sort: str = "newest"
    wanted: Wanted = field(default_factory=Wanted)
    version: str = ""  # the data version the answers are for (archive.search.cache)
    understood: str = ""  # the query as searched for (query.understood), for the reader
    ids_sql: tuple | None = None  # (sql, params) selecting the matching ids
    ids_unique: bool = False  # whether ids_sql gives each id once (the index's matches do)
    # Relevance order: (headline query, how many) for the summary to pick the ranking's
    # candidates from the matches it has read anyway (see summarise).
    candidates: tuple | None = None
    # The reader's filters, and the query without them: (selector.Filters, (sql, params)).
    filtered: tuple | None = None
    _ranked: list | None = None
    _ids: object = None  # the matching ids, once read (see matched_ids)

    def __post_init__(self):
        if self.ids_sql is None:
            self.ids_sql = ids_sql(self.articles) or ("SELECT 0 WHERE 1 = 0", [])

    @property
    def key(self):
        """What identifies this query and its filters, for the cache."""
        return f"{self.ids_sql[0]}|{self.ids_sql[1]!r}"

    @property
    def results(self):
        """The matches in the order asked for: a sequence a Paginator can page through."""
        return Results(self)

    def count(self):
        return cache.remembered(("count", self.key), self._count, version=self.version)

    def _count(self):
        if not self.articles.query.where:  # everything: the table's own count is cheaper
            return self.articles.count()
        return self._summary()["count"]

    def facets(self):
        """{facet: [{"value", "label", "count"}]} for these matches, most frequent first."""
        return self._summary()["facets"]

    def months(self):
        """{yyyymm: count} of these matches dated to the day or the month, for a chart of
        attention over time; those dated only by year or not at all are in no month."""
        return self._summary()["months"]

    def _summary(self):
        """{"count", "facets"} and, with `candidates`, the ranking's "newest" and "headline"
        candidates, computed together and remembered together."""
        return cache.remembered(
            ("summary", self.key, self.candidates),
            lambda: index_first(summarise, self),
            version=self.version,
        )

    def rank(self, expression):
        """Put the matches in relevance order for the written query `expression`."""
        self._ranked = cache.remembered(
            ("ranked", self.key, *self.candidates),
            lambda: index_first(ranked, self, expression),
            version=self.version,
        )

    def matched_ids(self):
        """The matching ids, each once, as a numpy array; read from the database once.

        When the reader's filters keep many articles, the query's matches are read without
        them and filtered in memory: joining hundreds of thousands of matches with hundreds
        of thousands of filtered articles in SQL is slow.
        """
        if self._ids is None:
            self._ids = self._filtered_in_memory()
        if self._ids is None:
            ids = columns.matched_ids(self.ids_sql)
            self._ids = ids if self.ids_unique else np.unique(ids)
        return self._ids

    def _filtered_in_memory(self):
        if self.filtered is None:
            return None
        filters, unfiltered_sql = self.filtered
        keep = columns.allowed(filters, version=self.version)
        if keep is None or np.count_nonzero(keep) < FILTERED_IN_SQL_BELOW:
            return None
        ids = columns.matched_ids(unfiltered_sql)
        return columns.kept(ids, keep)

    def snippet(self, article):
        return article_snippet(article, self.wanted)


class Results:
    """The ordered matches of a Search; slicing fetches one page of articles with snippets."""

    def __init__(self, search):
        self.search = search

    def count(self):
        return self.search.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        if not isinstance(page, slice):
            raise TypeError("Results are read a page (a slice) at a time.")
        search, start, stop = self.search, page.start or 0, page.stop
        fetched = {}  # the page's articles, when they had to be read to make the snippets

        def page_snippets():
            """{id: snippet HTML} in page order: what a page costs to compute."""
            ids = index_first(self._page_ids, start, stop)
            fetched.update(self._articles(ids))
            return {pk: str(search.snippet(fetched[pk])) for pk in ids if pk in fetched}

        snippets = cache.remembered(
            ("page", search.key, search.sort, start, stop, search.wanted),
            page_snippets,
            version=search.version,
        )
        articles = fetched or self._articles(list(snippets))
        page_articles = []
        for pk, snippet in snippets.items():
            if pk in articles:
                articles[pk].snippet = mark_safe(snippet)  # made safe by article_snippet
                page_articles.append(articles[pk])
        return page_articles

    def ids(self, stop=None):
        """The matching ids in the pages' order, every one or the first `stop`: for reading
        the matches (an export, a feed) in batches of one's own, without their snippets."""
        return index_first(self._page_ids, 0, stop)

    def _articles(self, ids):
        return self.search.articles.model.objects.select_related("language").in_bulk(ids)

    def _page_ids(self, start, stop):
        search = self.search
        articles = search.articles
        ordered = articles.oldest_first() if search.sort == "oldest" else articles.newest_first()
        ordered = ordered.values_list("pk", flat=True)
        if search._ranked is None:
            if search.ids_unique or search._ids is not None:
                # The matches of a query, or articles already read for their count and
                # facets, put in date order in memory: the database would have to find
                # them all before it could walk the dates (PostgreSQL's date index cannot
                # give newest first with the undated last, and it sorts them all).
                page = columns.in_date_order(
                    search.matched_ids(),
                    version=search.version,
                    newest=search.sort != "oldest",
                    start=start,
                    stop=stop,
                )
                if page is not None:
                    return page
            return list(ordered[start:stop])
        ranked = search._ranked
        ids = ranked[start:stop]
        if (stop is None or stop > len(ranked)) and search.count() > len(ranked):
            # Past the ranked candidates, the other matches follow, newest first.
            rest = ordered.exclude(pk__in=ranked)
            ids += list(
                rest[max(0, start - len(ranked)) : None if stop is None else stop - len(ranked)]
            )
        return ids


def index_first(function, *args, **kwargs):
    """function(*args, **kwargs), with its queries planned from the indexes."""
    with backend_for(reading_connection()).index_first():
        return function(*args, **kwargs)


def ids_sql(queryset):
    """(sql, params) selecting the ids of a queryset; None when it cannot match anything."""
    try:
        return queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None


def summarise(search):
    """The count and facets of the search's matches, and the ranking's candidates when it
    asks for them: with (headline query, how many), the ids of the newest matches and of the
    newest matches whose headlines match, as many of each.

    The matches' ids are read once, as one string. Facets are counted from the columns in
    memory (archive.search.columns) or, when the data changed under them, in SQL.
    """
    ids = search.matched_ids()
    by = columns.tallies(ids, version=search.version)
    if by is None:
        most = most_of_archive(ids.size)
        by = facet_counts(search.ids_sql, most=most, unique=search.ids_unique)
    summary = {"count": int(ids.size), "facets": labelled(by), "months": by["month"]}
    if search.candidates:
        headline_expression, limit = search.candidates
        summary["newest"] = columns.newest(ids, limit)
        headline_sql = backend_for(reading_connection()).headline_matches_sql(headline_expression)
        headlines = columns.matched_ids(headline_sql)
        summary["headline"] = columns.newest(columns.among(headlines, ids), limit)
    return summary


def ranked(search, expression):
    """The best candidates' ids in relevance order (see the module's docstring).

    The summary picked the candidates from its one reading of the matches; only they are
    read again, to be scored. (Finding the newest matches and the newest headline matches
    in SQL read every match of a phrase twice more, and ran the reader's filters twice.)
    """
    summary = search._summary()
    headlines = set(summary["headline"])
    candidates = [*summary["headline"], *summary["newest"]]
    connection = reading_connection()
    with connection.cursor() as cursor:
        cursor.execute(*backend_for(connection).scored_sql(expression, candidates))
        rows = cursor.fetchall()
    oldest = datetime.date.min
    keys = {
        # SQLite gives the date as its ISO text, which sorts as the date does.
        pk: (pk in headlines, score, str(published or oldest), pk)
        for pk, score, published in rows
    }
    return sorted(keys, key=keys.__getitem__, reverse=True)
