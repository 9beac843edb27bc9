"""Search as the rest of the archive uses it: a query text in; matching articles, in order,
with snippets and facet counts, out (`articles_search`, behind `Article.objects.search` and
`ArticleFilter.search`).

The text is parsed into a query tree (archive.search.query), widened by the thesaurus, and
written by the database's backend (archive.search.backends); the Search it gives
(archive.search.results) counts, ranks and pages through the matches.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models.expressions import RawSQL

from archive.routing import reading_connection
from archive.search import cache
from archive.search.backends import backend_for
from archive.search.documents import common_terms
from archive.search.query import expand, parse, understood
from archive.search.results import Search, ids_sql
from archive.search.snippets import wanted_terms
from archive.search.thesaurus import thesaurus

SORTS = ("relevance", "newest", "oldest")


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
    translated: bool | None = None  # with another language version, without one, or either


def articles_search(*, queryset, text, across_languages=True, sort=None, filters=None):
    """The articles of `queryset` that match `text`, in `sort` order: a Search. Never raises.

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
    expansions, as_understood = [], understood(parsed)
    if across_languages:
        # Read for every search otherwise: a good part of an answer from the cache.
        labels = cache.remembered(("thesaurus",), thesaurus, version=version)
        parsed, expansions = expand(parsed, labels)
    notes, wanted = list(parsed.notes), wanted_terms(parsed.required)
    backend = backend_for(reading_connection())
    common = _common_terms(backend, version)
    if not parsed.required:
        # Only exclusions: every other article of the queryset, newest first.
        excluded = backend.written_any(parsed.excluded, common=common)
        matches = queryset.exclude(pk__in=RawSQL(*backend.matching_sql(excluded)))
        sort = "newest" if sort == "relevance" else sort
        return Search(
            matches,
            notes,
            expansions,
            sort=sort,
            wanted=wanted,
            version=version,
            understood=as_understood,
        )
    expression, headline_expression, alternatives = backend.written(
        parsed.required, parsed.excluded, common=common
    )
    within = _within(queryset)
    matching = backend.matching_sql(alternatives, within=within)
    search = Search(
        queryset.filter(pk__in=RawSQL(*matching)),
        notes,
        expansions,
        sort=sort,
        wanted=wanted,
        version=version,
        understood=as_understood,
        ids_sql=matching,
        ids_unique=True,
        filtered=(
            (filters, backend.matching_sql(alternatives))
            if filters is not None and within
            else None
        ),
    )
    if search.sort == "relevance":
        search.candidates = (headline_expression, settings.ARCHIVE_SEARCH_RANKED)
        search.rank(expression)
    return search


def _common_terms(backend, version):
    """The index's common terms (documents.common_terms), read once a data version, where
    the backend has them."""
    if not backend.chooses_common_terms:
        return frozenset()
    return cache.remembered(("common terms",), common_terms, version=version)


def _within(queryset):
    """The reader's other filters as (sql, params) selecting ids, or None when there are none."""
    if not queryset.query.where:
        return None
    return ids_sql(queryset) or ("SELECT 0 WHERE 1 = 0", [])
