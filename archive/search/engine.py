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

from django.conf import settings
from django.db import connection
from django.db.models import Count, F
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils.safestring import mark_safe

from archive.search import cache
from archive.search.analysis import words
from archive.search.index import matching_sql, ranking
from archive.search.query import expand, parse, to_fts5, to_tsquery
from archive.search.snippets import Wanted, article_snippet, wanted_terms

SORTS = ("relevance", "newest", "oldest")
FACETS = ("language", "topic", "event", "year", "source")


@dataclass
class Search:
    articles: object  # the matching articles, a queryset
    notes: list[str] = field(default_factory=list)
    expansions: list = field(default_factory=list)
    sort: str = "newest"
    wanted: Wanted = field(default_factory=Wanted)
    key: str = ""  # what identifies this query and its filters, for the cache
    version: str = ""  # the data version the answers are for (archive.search.cache)
    _ranked: list | None = None

    @property
    def results(self):
        """The matches in the order asked for: a sequence a Paginator can page through."""
        return Results(self)

    def count(self):
        return cache.remembered(("count", self.key), self.articles.count, version=self.version)

    def facets(self):
        """{facet: [{"value", "label", "count"}]} for these matches, most frequent first."""
        return cache.remembered(
            ("facets", self.key), lambda: facet_counts(self.articles), version=self.version
        )

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
        snippets = cache.remembered(
            ("page", search.key, search.sort, start, stop, search.wanted),
            lambda: self._snippets(self._page_ids(start, stop)),
            version=search.version,
        )
        articles = search.articles.model.objects.select_related("language").in_bulk(snippets)
        page_articles = []
        for pk, snippet in snippets.items():
            if pk in articles:
                articles[pk].snippet = mark_safe(snippet)  # made safe by article_snippet
                page_articles.append(articles[pk])
        return page_articles

    def _snippets(self, ids):
        """{id: snippet HTML} in page order: what a page costs to compute, kept in the cache."""
        articles = self.search.articles.model.objects.select_related("language").in_bulk(ids)
        return {pk: str(self.search.snippet(articles[pk])) for pk in ids if pk in articles}

    def _page_ids(self, start, stop):
        search = self.search
        ordered = search.articles.order_by(*_ORDER[search.sort]).values_list("pk", flat=True)
        if search._ranked is None:
            return list(ordered[start:stop])
        ranked = search._ranked
        ids = ranked[start:stop]
        if stop is None or stop > len(ranked):
            # Past the ranked candidates, the other matches follow, newest first.
            rest = ordered.exclude(pk__in=ranked)
            ids += list(
                rest[max(0, start - len(ranked)) : None if stop is None else stop - len(ranked)]
            )
        return ids


_ORDER = {
    "newest": (F("published").desc(nulls_last=True), "-pk"),
    "oldest": (F("published").asc(nulls_last=True), "pk"),
    "relevance": (F("published").desc(nulls_last=True), "-pk"),
}


def articles_search(*, queryset, text, across_languages=True, sort=None):
    """The articles of `queryset` that match `text`, in `sort` order. Never raises.

    Without text, every article of `queryset` matches. `sort` is one of SORTS; by default
    relevance when there is text to search for, newest first otherwise. With
    `across_languages`, a word or phrase that is a label of a thesaurus concept also finds
    the concept's labels in other languages (Putin → Poetin, Poutine, 普京).
    """
    has_text = bool((text or "").strip())
    sort = sort if sort in SORTS else "relevance" if has_text else "newest"
    version = cache.data_version()
    if not has_text:
        sort = "newest" if sort == "relevance" else sort
        return Search(queryset, sort=sort, key=_key(queryset), version=version)
    parsed = parse(text)
    if parsed.is_empty:
        notes = [*parsed.notes, "There was nothing to search for."]
        return Search(queryset.none(), notes, sort=sort, key="none")
    expansions = []
    if across_languages:
        parsed, expansions = expand(parsed, thesaurus())
    expression, headline_expression = _written(parsed.required)
    matches = queryset
    if parsed.required:
        matches = matches.filter(pk__in=RawSQL(*matching_sql(expression)))
    for node in parsed.excluded:
        matches = matches.exclude(pk__in=RawSQL(*matching_sql(_written([node])[0])))
    search = Search(
        matches,
        list(parsed.notes),
        expansions,
        sort=sort if parsed.required else ("newest" if sort == "relevance" else sort),
        wanted=wanted_terms(parsed.required),
        key=_key(matches),
        version=version,
    )
    if search.sort == "relevance":
        search._ranked = cache.remembered(
            ("ranked", search.key, settings.ARCHIVE_SEARCH_RANKED),
            lambda: _ranked(matches, expression, headline_expression),
            version=version,
        )
    return search


def _written(nodes):
    """The query for the database in use, and the same query limited to the headlines."""
    if connection.vendor == "postgresql":
        return to_tsquery(nodes), to_tsquery(nodes, weights="A")
    expression = to_fts5(nodes)
    return expression, f"{{title}} : ({expression})"


def _ranked(matches, expression, headline_expression):
    """The best candidates' ids in relevance order (see the module's docstring)."""
    limit = settings.ARCHIVE_SEARCH_RANKED
    newest = matches.order_by(*_ORDER["newest"]).values_list("pk", "published")
    headline = newest.filter(pk__in=RawSQL(*matching_sql(headline_expression)))
    published = dict(headline[:limit])
    published.update(newest[:limit])
    scores = ranking(expression, headline_expression, list(published))
    oldest = datetime.date.min
    return sorted(
        published,
        key=lambda pk: (
            *scores.get(pk, (False, 0.0)),
            published[pk] or oldest,
            pk,
        ),
        reverse=True,
    )


def _key(queryset):
    """The SQL of a queryset and its parameters: equal keys, equal answers (at one version)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return f"{sql}|{params!r}"


def facet_counts(matches):
    from archive.models import Article, Event, Language, Topic

    # Counting over the ids keeps the joins of the reader's filters from counting twice.
    ids = matches.order_by().values("pk")
    articles = Article.objects.filter(pk__in=ids).order_by()
    rows = articles.values("language_id", "source_name", year=ExtractYear("published"))
    by = {"language": {}, "year": {}, "source": {}}
    for row in rows.annotate(count=Count("pk")):
        for facet, value in (
            ("language", row["language_id"]),
            ("year", row["year"]),
            ("source", row["source_name"]),
        ):
            by[facet][value] = by[facet].get(value, 0) + row["count"]
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
        through = Article._meta.get_field(f"{facet}s").remote_field.through
        counts = dict(
            through.objects.filter(article_id__in=ids)
            .values_list(f"{facet}_id")
            .annotate(count=Count("article_id"))
            .order_by()
        )
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
