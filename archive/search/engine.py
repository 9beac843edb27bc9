"""Search as the rest of the archive uses it: a query text in; matching articles, in order,
with snippets and facet counts, out.

Ranking is bounded so that it does not grow with the number of matches: for a word found in
nearly every article, scoring every match (bm25, ts_rank_cd) is what makes naive search slow.
The candidates are the newest `ARCHIVE_SEARCH_RANKED` matches whose headlines match and the
newest as many of all matches; those are scored, headline matches first, and every other
match follows them newest first. A query with fewer matches than that is ranked exactly.
"""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Max
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

from archive.search import cache, columns
from archive.search.analysis import words
from archive.search.index import (
    FACETS_INDEX,
    common_terms,
    headline_matches_sql,
    index_first,
    matching_sql,
    scored_sql,
    year_sql,
)
from archive.search.query import expand, parse, to_fts5, to_tsquery, tsquery_alternatives
from archive.search.snippets import Wanted, article_snippet, wanted_terms

SORTS = ("relevance", "newest", "oldest")
FACETS = ("language", "topic", "event", "year", "source")
# Filters that keep fewer articles than this are applied in SQL with the query, where the
# database looks up each kept article; more, and they are applied to the query's matches in
# memory (see Search.matched_ids).
FILTERED_IN_SQL_BELOW = 20_000


@dataclass(frozen=True)
class Filters:
    """The reader's filters (archive.filters.ArticleFilter), as ids and dates: what the
    columns in memory need to apply them to a query's matches as SQL applies them."""

    languages: frozenset = frozenset()  # language ids
    topics: frozenset = frozenset()  # topic ids
    events: frozenset = frozenset()  # event ids
    sources: frozenset = frozenset()  # source names
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass
class Search:
    articles: object  # the matching articles, a queryset
    notes: list[str] = field(default_factory=list)
    expansions: list = field(default_factory=list)
    sort: str = "newest"
    wanted: Wanted = field(default_factory=Wanted)
    version: str = ""  # the data version the answers are for (archive.search.cache)
    ids_sql: tuple | None = None  # (sql, params) selecting the matching ids
    ids_unique: bool = False  # whether ids_sql gives each id once (the index's matches do)
    # Relevance order: (headline query, how many) for the summary to pick the ranking's
    # candidates from the matches it has read anyway (see summarise).
    candidates: tuple | None = None
    # The reader's filters, and the query without them: (Filters, (sql, params)).
    filtered: tuple | None = None
    _ranked: list | None = None
    _ids: object = None  # the matching ids, once read (see matched_ids)

    def __post_init__(self):
        if self.ids_sql is None:
            self.ids_sql = _ids_sql(self.articles) or ("SELECT 0 WHERE 1 = 0", [])

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

    def _summary(self):
        """{"count", "facets"} and, with `candidates`, the ranking's "newest" and "headline"
        candidates, computed together and remembered together."""
        return cache.remembered(
            ("summary", self.key, self.candidates),
            lambda: _index_first(summarise, self),
            version=self.version,
        )

    def matched_ids(self):
        """The matching ids, each once, as a numpy array; read from the database once.

        When the reader's filters keep many articles, the query's matches are read without
        them and filtered in memory: joining hundreds of thousands of matches with hundreds
        of thousands of filtered articles in SQL took a second at a million articles.
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
            ids = _index_first(self._page_ids, start, stop)
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

    def _articles(self, ids):
        return self.search.articles.model.objects.select_related("language").in_bulk(ids)

    def _page_ids(self, start, stop):
        search = self.search
        articles = search.articles
        ordered = articles.oldest_first() if search.sort == "oldest" else articles.newest_first()
        ordered = ordered.values_list("pk", flat=True)
        if search._ranked is None:
            if search.ids_unique:
                # The matches of a query, put in date order in memory: the database would
                # have to find them all before it could walk the dates.
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


def _index_first(function, *args, **kwargs):
    with index_first():
        return function(*args, **kwargs)


def articles_search(*, queryset, text, across_languages=True, sort=None, filters=None):
    """The articles of `queryset` that match `text`, in `sort` order. Never raises.

    Without text, every article of `queryset` matches. `sort` is one of SORTS; by default
    relevance when there is text to search for, newest first otherwise. With
    `across_languages`, a word or phrase that is a label of a thesaurus concept also finds
    the concept's labels in other languages (Putin → Poetin, Poutine, 普京). `filters`
    (Filters) may say what `queryset` is: all articles, filtered by them and nothing else.
    """
    has_text = bool((text or "").strip())
    sort = sort if sort in SORTS else "relevance" if has_text else "newest"
    version = cache.data_version()
    if not has_text:
        sort = "newest" if sort == "relevance" else sort
        return Search(queryset, sort=sort, version=version)
    parsed = parse(text)
    if parsed.is_empty:
        notes = [*parsed.notes, "There was nothing to search for."]
        return Search(queryset.none(), notes, sort=sort, version=version)
    expansions = []
    if across_languages:
        # Read for every search otherwise: 1.7 ms of a 4.3 ms answer from the cache.
        labels = cache.remembered(("thesaurus",), thesaurus, version=version)
        parsed, expansions = expand(parsed, labels)
    notes, wanted = list(parsed.notes), wanted_terms(parsed.required)
    if not parsed.required:
        # Only exclusions: every other article of the queryset, newest first.
        excluded = _written_any(parsed.excluded, version=version)
        matches = queryset.exclude(pk__in=RawSQL(*matching_sql(excluded)))
        sort = "newest" if sort == "relevance" else sort
        return Search(matches, notes, expansions, sort=sort, wanted=wanted, version=version)
    expression, headline_expression, alternatives = _written(
        parsed.required, parsed.excluded, version=version
    )
    within = _within(queryset)
    ids_sql = matching_sql(alternatives, within=within)
    limit = settings.ARCHIVE_SEARCH_RANKED
    search = Search(
        queryset.filter(pk__in=RawSQL(*ids_sql)),
        notes,
        expansions,
        sort=sort,
        wanted=wanted,
        version=version,
        ids_sql=ids_sql,
        ids_unique=True,
        filtered=(filters, matching_sql(alternatives)) if filters is not None and within else None,
    )
    if search.sort == "relevance":
        search.candidates = (headline_expression, limit)
        search._ranked = cache.remembered(
            ("ranked", search.key, headline_expression, limit),
            lambda: _index_first(_ranked, search, expression),
            version=version,
        )
    return search


def _written(required, excluded=(), *, version):
    """The query for the database in use; what the headlines must match for the
    headline-first ranking (on PostgreSQL, with the whole query also matching); and the
    query as alternatives that together select the matches (`matching_sql`): on PostgreSQL
    a phrase may be split in two (`query.tsquery_alternatives`), elsewhere it is one."""
    if connection.vendor == "postgresql":
        common = _common_terms(version)
        unwanted = "".join(f" & !({to_tsquery([node], common=common)})" for node in excluded)
        wanted = to_tsquery(required, common=common)
        alternatives = tsquery_alternatives(required, common=common)
        if not excluded:
            return wanted, wanted, alternatives
        alternatives = [f"({alternative}){unwanted}" for alternative in alternatives]
        return f"({wanted}){unwanted}", wanted, alternatives
    expression = to_fts5(required)
    headline = f"{{title}} : ({expression})"
    if excluded:
        unwanted = " OR ".join(to_fts5([node]) for node in excluded)
        expression, headline = f"({expression}) NOT ({unwanted})", f"({headline}) NOT ({unwanted})"
    return expression, headline, [expression]


def _written_any(nodes, *, version):
    """The query matching any of these nodes, for the database in use."""
    if connection.vendor == "postgresql":
        common = _common_terms(version)
        return " | ".join(f"({to_tsquery([node], common=common)})" for node in nodes)
    return " OR ".join(f"({to_fts5([node])})" for node in nodes)


def _common_terms(version):
    """PostgreSQL: the index's common terms (index.common_terms), read once a data version."""
    return cache.remembered(("common terms",), common_terms, version=version)


def _within(queryset):
    """The reader's other filters as (sql, params) selecting ids, or None when there are none."""
    if not queryset.query.where:
        return None
    return _ids_sql(queryset) or ("SELECT 0 WHERE 1 = 0", [])


def _ids_sql(queryset):
    """(sql, params) selecting the ids of a queryset; None when it cannot match anything."""
    try:
        return queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None


def _ranked(search, expression):
    """The best candidates' ids in relevance order (see the module's docstring).

    The summary picked the candidates from its one reading of the matches; only they are
    read again, to be scored. (Finding the newest matches and the newest headline matches
    in SQL read every match of a phrase twice more, and ran the reader's filters twice.)
    """
    summary = search._summary()
    headlines = set(summary["headline"])
    with connection.cursor() as cursor:
        cursor.execute(*scored_sql(expression, [*summary["headline"], *summary["newest"]]))
        rows = cursor.fetchall()
    oldest = datetime.date.min
    keys = {
        # SQLite gives the date as its ISO text, which sorts as the date does.
        pk: (pk in headlines, score, str(published or oldest), pk)
        for pk, score, published in rows
    }
    return sorted(keys, key=keys.__getitem__, reverse=True)


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
        # SQLite chooses how to count by how many articles match (see facet_counts).
        most = connection.vendor == "sqlite" and ids.size * 20 > _largest_id()
        by = facet_counts(search.ids_sql, most=most, unique=search.ids_unique)
    summary = {"count": int(ids.size), "facets": labelled(by)}
    if search.candidates:
        headline_expression, limit = search.candidates
        summary["newest"] = columns.newest(ids, limit)
        headlines = columns.matched_ids(headline_matches_sql(headline_expression))
        summary["headline"] = columns.newest(columns.among(headlines, ids), limit)
    return summary


def _largest_id():
    """How many articles the archive holds, near enough: ids only grow."""
    from archive.models import Article

    return Article.objects.aggregate(largest=Max("pk"))["largest"] or 0


def facet_counts(ids_sql, *, most=False, unique=False):
    """{facet: {language id, year, source name, topic or event id: count}} for the articles
    `ids_sql` selects, counted in SQL: what summarise falls back on when the columns in
    memory cannot serve.

    One statement counts them all. On PostgreSQL, where finding the matches is the costly
    part, ids that `ids_sql` gives once each (`unique`) are found once for all the counts
    (a subquery named WITH and used several times is kept). When they are `most` of the
    archive, SQLite reads the facets index (and the tag tables) through and looks each
    entry up among the matches, rather than looking every match up in the wide article
    rows; for a few matches the lookups are cheaper. (PostgreSQL's planner makes that
    choice itself.)
    """
    from archive.models import Article

    sql, params = ids_sql
    table, tagged = Article._meta.db_table, "article_id"
    if most and connection.vendor == "sqlite":
        table, tagged = f"{table} INDEXED BY {FACETS_INDEX}", "+article_id"
    tags = {
        facet: Article._meta.get_field(f"{facet}s").remote_field.through._meta.db_table
        for facet in ("topic", "event")
    }
    if unique and connection.vendor == "postgresql":
        # Joined: PostgreSQL would look a kept subquery's ids up one by one with IN.
        matched = f"WITH matched(id) AS ({sql}) "
        article_rows = f"{table} JOIN matched ON matched.id = {table}.id"

        def tagged_rows(through):
            return f"{through} JOIN matched ON matched.id = {through}.article_id"
    else:
        # Found again for each count (on SQLite keeping them measured slower), and looked
        # up with IN, so that the joins of the reader's filters cannot count twice.
        matched, params = "", params * (1 + len(tags))
        article_rows = f"{table} WHERE id IN ({sql})"

        def tagged_rows(through):
            return f"{through} WHERE {tagged} IN ({sql})"

    statement = (
        f"{matched}SELECT 'article', language_id, {year_sql(connection.vendor)}, source_name, "
        f"COUNT(*) FROM {article_rows} GROUP BY 2, 3, 4"
    )
    for facet, through in tags.items():
        statement += (
            f" UNION ALL SELECT '{facet}', {facet}_id, NULL, NULL, COUNT(*) "
            f"FROM {tagged_rows(through)} GROUP BY 2"
        )
    by = {facet: {} for facet in FACETS}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for kind, key, published_year, source_name, count in cursor.fetchall():
            if kind != "article":
                by[kind][key] = count
                continue
            for facet, value in (
                ("language", key),
                ("year", published_year),
                ("source", source_name),
            ):
                by[facet][value] = by[facet].get(value, 0) + count
    return by


def labelled(by):
    """{facet: [{"value", "label", "count"}]}, most frequent first, from
    {facet: {language id, year, source name, topic or event id: count}}."""
    from archive.models import Event, Language, Topic

    languages = {
        pk: (code, name) for pk, code, name in Language.objects.values_list("pk", "code", "name_en")
    }
    result = {
        "language": [
            {"value": languages[pk][0], "label": languages[pk][1], "count": n}
            for pk, n in by["language"].items()
        ],
        "year": [
            {"value": year, "label": str(year) if year else "Undated", "count": n}
            for year, n in by["year"].items()
        ],
        "source": [
            {"value": name, "label": name or "Unknown source", "count": n}
            for name, n in by["source"].items()
        ],
    }
    for facet, model in (("topic", Topic), ("event", Event)):
        counts = by[facet]
        labels = model.objects.filter(pk__in=counts).values_list("pk", "slug", "name")
        result[facet] = [
            {"value": slug, "label": name, "count": counts[pk]} for pk, slug, name in labels
        ]
    for values in result.values():
        values.sort(key=lambda item: (-item["count"], str(item["label"]).casefold()))
    return {facet: result[facet] for facet in FACETS}


def thesaurus():
    """{a label's folded words: the other labels of its concept}."""
    from archive.models import ConceptLabel

    by_concept = {}
    for concept_id, text in ConceptLabel.objects.values_list("concept_id", "text"):
        by_concept.setdefault(concept_id, []).append(text)
    result = {}
    for labels in by_concept.values():
        for label in labels:
            key = tuple(words(label))
            others = [other for other in labels if tuple(words(other)) != key]
            if key and others:
                result.setdefault(key, [])
                result[key] += [o for o in others if o not in result[key]]
    return result
