"""An article's index terms, and its row in the search index.

The terms of an article's four indexed fields come from `archive.search.analysis`, the same
for both databases; what a row holds, and how it is written, is its database's backend's
(archive.search.backends). Rows are written in the caller's transaction: an article and its
index row are saved, changed or deleted together.

On PostgreSQL every row holds the pairs of neighbouring *common* terms (`common_terms`), so
that GIN finds a phrase of common words by its pair; a phrase is looked up by its pair terms
only when both its words are on the list, and every row is written with the same list, so a
phrase finds the same articles whichever way it is asked.
"""

import itertools
from collections import Counter

from django.db import connection

from archive.kinds import BlockKind
from archive.routing import reading_connection
from archive.search.analysis import folded_terms
from archive.search.backends import backend_for
from archive.search.backends.base import COMMON_TERMS
from archive.search.cache import version_renew
from archive.text import fold


def document_terms(*, title, title_en, standfirst, blocks, language, folded=None):
    """The analysed terms of each indexed field of an article.

    `folded` may map each of these texts to its folding (`archive.text.fold`), when the
    caller has it already: folding is a good part of the cost.
    """
    texts = {
        "title": [title, title_en],
        "standfirst": [standfirst],
        "body": [b["text"] for b in blocks if b.get("kind") != BlockKind.CAPTION],
        "captions": [b["text"] for b in blocks if b.get("kind") == BlockKind.CAPTION],
    }
    # Folding goes character by character: the parts folded one by one and joined are the
    # joined text folded.
    fold_of = fold if folded is None else folded.__getitem__
    return {
        name: folded_terms("\n".join(fold_of(part) for part in parts if part), language)
        for name, parts in texts.items()
    }


def article_terms(article):
    """`document_terms` of an article."""
    return document_terms(
        title=article.title,
        title_en=article.title_en,
        standfirst=article.standfirst,
        blocks=article.blocks,
        language=article.language.code,
    )


def row_values(terms, *, common=frozenset()):
    """What the index row of these terms holds, for the database in use, written with the
    list of common terms `common`."""
    return backend_for(connection).row_values(terms, common=common)


def most_common(term_lists, *, limit=COMMON_TERMS):
    """The `limit` terms found in most of these documents (each an iterable of terms)."""
    counts = Counter(itertools.chain.from_iterable(set(terms) for terms in term_lists))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return frozenset(term for term, _ in ranked[:limit])


def common_terms():
    """The common terms the index rows are written with: empty until chosen, and always on
    SQLite, whose index knows where each word stands and needs no pairs. A new list comes
    with a rewrite of every row (maintenance.index_rebuild, or a first large load)."""
    return backend_for(reading_connection()).common_terms()


def common_terms_held(*, exclusive=False):
    """The common terms, which no other transaction can change before the caller's ends;
    with `exclusive`, nor write index rows with, so that the caller may change them.

    For writers: a transaction that read the list and wrote rows with it while another load,
    or a rebuild, stored another would leave rows written with a list the index no longer
    has. Taken before anything else in the transaction, so that no writer waits for this
    lock while holding a lock another writer waits for. Readers need no lock: a query sees
    the list and the rows of one snapshot.
    """
    return backend_for(connection).common_terms_held(exclusive=exclusive)


def rows_add(rows):
    """Add (article id, *row_values) rows for articles that have none yet."""
    backend_for(connection).rows_add(rows)


def rows_write(rows, *, common=None):
    """Write (article id, terms by field) rows, replacing any the articles had, with the
    common terms given or, by default, those stored."""
    if not rows:
        return
    if common is None:
        common = common_terms_held()
    backend_for(connection).rows_write(rows, common=common)
    # The article's own write renewed the data version before this one, and outside a
    # transaction (a save in a shell) it is already committed: an answer computed between
    # the two, from the old index, would be kept under the new version. Renewing it again
    # once the index is written makes any such answer unreachable.
    version_renew()


def articles_index(articles, *, common=None):
    """Write (or rewrite) the index rows of these saved articles."""
    rows = [(article.pk, article_terms(article)) for article in articles if article.pk]
    rows_write(rows, common=common)


def articles_unindex(ids):
    ids = list(ids)
    if ids:
        backend_for(connection).rows_delete(ids)
        version_renew()  # as in rows_write
