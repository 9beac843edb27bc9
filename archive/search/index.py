"""The full-text index: one row per article, in each engine's own structure.

SQLite: an FTS5 table `archive_search` whose rowid is the article's id, with the analysed
terms of four fields (headline, standfirst, body, captions) as space-separated text.
PostgreSQL: a table `archive_search` of (article_id, tsvector) with a GIN index; the
tsvector is written literally, terms and positions computed in Python, with weights A
(headlines) to D (captions), so PostgreSQL's own parser never sees the text.

Both hold exactly the terms `archive.search.analysis.index_terms` gives, which is why a query
finds the same articles on either. Rows are written in the caller's transaction: an article
and its index row are saved, changed or deleted together.
"""

from django.db import connection

from archive.models import BlockKind
from archive.search.analysis import index_terms

TABLE = "archive_search"
# PostgreSQL keeps term positions up to this; later words still match, not as phrases.
MAX_POSITION = 16383
FIELDS = ("title", "standfirst", "body", "captions")
WEIGHTS = dict(zip(FIELDS, "ABCD", strict=True))


def create_sql(vendor):
    if vendor == "postgresql":
        return [
            # No foreign key: Django empties tables with TRUNCATE, which a reference from
            # here would refuse. Deleting an article deletes its row (archive.search.signals).
            f"CREATE TABLE {TABLE} (article_id bigint PRIMARY KEY, document tsvector NOT NULL)",
            f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
        ]
    columns = ", ".join(FIELDS)
    return [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    ]


def drop_sql(vendor):
    return [f"DROP TABLE IF EXISTS {TABLE}"]


def document_terms(*, title, title_en, standfirst, blocks, language):
    """The analysed terms of each indexed field of an article."""
    texts = {
        "title": "\n".join(filter(None, [title, title_en])),
        "standfirst": standfirst,
        "body": "\n".join(b["text"] for b in blocks if b.get("kind") != BlockKind.CAPTION),
        "captions": "\n".join(b["text"] for b in blocks if b.get("kind") == BlockKind.CAPTION),
    }
    return {name: index_terms(text, language) for name, text in texts.items()}


def articles_index(articles):
    """Write (or rewrite) the index rows of these saved articles."""
    rows_write(
        [
            (
                article.pk,
                document_terms(
                    title=article.title,
                    title_en=article.title_en,
                    standfirst=article.standfirst,
                    blocks=article.blocks,
                    language=article.language.code,
                ),
            )
            for article in articles
            if article.pk is not None
        ]
    )


def rows_write(rows):
    """Write (article id, terms by field) rows, replacing any the articles had."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                f"INSERT INTO {TABLE} (article_id, document) VALUES (%s, %s::tsvector) "
                "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
                [(pk, _tsvector(terms)) for pk, terms in rows],
            )
        else:
            cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(pk,) for pk, _ in rows])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}) VALUES (%s, %s, %s, %s, %s)",
                [(pk, *(" ".join(terms[name]) for name in FIELDS)) for pk, terms in rows],
            )


def articles_unindex(ids):
    ids = list(ids)
    if not ids:
        return
    key = "article_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {TABLE} WHERE {key} = %s", [(pk,) for pk in ids])


def indexed_ids():
    key = "article_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {TABLE}")
        return {row[0] for row in cursor.fetchall()}


def matching_sql(expression):
    """SQL selecting the ids of indexed articles that match a written query, and its params."""
    if connection.vendor == "postgresql":
        return f"SELECT article_id FROM {TABLE} WHERE document @@ %s::tsquery", [expression]
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression]


def _tsvector(terms):
    """A tsvector literal: each term with its positions and the weight of its field."""
    positions = {}
    position = 0
    for name in FIELDS:
        weight = WEIGHTS[name]
        for term in terms[name]:
            position = min(position + 1, MAX_POSITION)
            positions.setdefault(term, []).append(f"{position}{weight}")
        position = min(position + 1, MAX_POSITION)  # no phrase across two fields
    return " ".join(f"'{term}':{','.join(places)}" for term, places in positions.items())
