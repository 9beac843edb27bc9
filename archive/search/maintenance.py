"""Rebuilding the search index from the articles, and finding where the two disagree
(`manage.py rebuild_search_index`, and its `--check`)."""

from dataclasses import dataclass, field

from django.db import connection, transaction

from archive.models import Article
from archive.search.backends import backend_for
from archive.search.cache import version_renew
from archive.search.documents import article_terms, articles_index


@dataclass
class Drift:
    missing: list = field(default_factory=list)  # articles without an index row
    orphaned: list = field(default_factory=list)  # index rows without an article
    outdated: list = field(default_factory=list)  # rows whose terms differ from the article

    def __bool__(self):
        return bool(self.missing or self.orphaned or self.outdated)


def index_rebuild(*, batch_size=500, common=None):
    """Rewrite the whole index from the articles; returns how many were indexed.

    The common terms are chosen again from the index as it stands, unless given.
    """
    backend = backend_for(connection)
    with transaction.atomic():
        backend.common_terms_held(exclusive=True)
        common = backend.common_terms_choose() if common is None else frozenset(common)
        backend.common_terms_store(common)
        backend.rows_clear()
        count = 0
        articles = Article.objects.select_related("language").order_by("pk")
        batch = []
        for article in articles.iterator(chunk_size=batch_size):
            batch.append(article)
            if len(batch) == batch_size:
                articles_index(batch, common=common)
                count += len(batch)
                batch = []
        articles_index(batch, common=common)
        # The articles did not change, but what search finds may have: answers cached
        # before the rebuild must not be served after it.
        version_renew()
        return count + len(batch)


def index_check(*, batch_size=500):
    """Where the index and the articles disagree."""
    indexed = indexed_ids()
    ids = set(Article.objects.values_list("pk", flat=True))
    drift = Drift(missing=sorted(ids - indexed), orphaned=sorted(indexed - ids))
    articles = Article.objects.select_related("language").filter(pk__in=ids & indexed)
    batch = []
    for article in articles.order_by("pk").iterator(chunk_size=batch_size):
        batch.append(article)
        if len(batch) == batch_size:
            drift.outdated += _outdated(batch)
            batch = []
    drift.outdated += _outdated(batch)
    return drift


def _outdated(articles):
    if not articles:
        return []
    return backend_for(connection).rows_outdated(
        {article.pk: article_terms(article) for article in articles}
    )


def indexed_ids():
    """The ids of the articles the index has a row for."""
    return backend_for(connection).indexed_ids()
