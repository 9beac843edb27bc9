from django.db import migrations

# The search index as this migration makes it, frozen here: later changes to the search code
# come with migrations of their own. On PostgreSQL it has, from the start, the headline
# column and the list of common terms that 0008 and 0012 add to databases made before them.
CREATE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE archive_search USING fts5(title, standfirst, body, captions, "
        "tokenize = 'unicode61 remove_diacritics 0')",
    ],
    "postgresql": [
        "CREATE TABLE archive_search (article_id bigint PRIMARY KEY, document tsvector NOT NULL, "
        "headline tsvector NOT NULL DEFAULT ''::tsvector)",
        "CREATE INDEX archive_search_document ON archive_search USING gin (document)",
        "ALTER TABLE archive_search ADD COLUMN IF NOT EXISTS headline tsvector NOT NULL "
        "DEFAULT ''::tsvector",
        "CREATE INDEX IF NOT EXISTS archive_search_headline ON archive_search USING gin (headline)",
        "CREATE TABLE IF NOT EXISTS archive_search_common (term text PRIMARY KEY)",
    ],
}
INSERT = {
    "sqlite": "INSERT INTO archive_search (rowid, title, standfirst, body, captions) "
    "VALUES (%s, %s, %s, %s, %s)",
    "postgresql": "INSERT INTO archive_search (article_id, document, headline) "
    "VALUES (%s, %s::tsvector, %s::tsvector)",
}
FIELDS = ("title", "standfirst", "body", "captions")
WEIGHTS = dict(zip(FIELDS, "ABCD"))
# PostgreSQL keeps term positions up to this; later words share it.
MAX_POSITION = 16383


def article_terms(article):
    """The analysed terms of each indexed field of an article: the fields are the index's as
    made here, the analysis today's, as a rebuild would write them. The analysis is imported
    here, when an archive's articles came before its index: a new database has none, and
    needs nothing but this file."""
    from archive.search.analysis import folded_terms
    from archive.text import fold

    texts = {
        "title": [article.title, article.title_en],
        "standfirst": [article.standfirst],
        "body": [b["text"] for b in article.blocks if b.get("kind") != "caption"],
        "captions": [b["text"] for b in article.blocks if b.get("kind") == "caption"],
    }
    language = article.language.code
    return {
        name: folded_terms("\n".join(fold(part) for part in parts if part), language)
        for name, parts in texts.items()
    }


def tsvector(terms):
    """A tsvector literal: each term with its positions and its field's weight, one position
    left empty between fields. The list of common terms is empty here: no pair terms."""
    places = {}
    position = 0
    for name in FIELDS:
        field_terms = terms.get(name) or []
        for offset, term in enumerate(field_terms):
            place = min(position + 1 + offset, MAX_POSITION)
            places.setdefault(term, []).append(f"{place}{WEIGHTS[name]}")
        position = min(position + len(field_terms) + 1, MAX_POSITION)
    return " ".join(f"'{term}':{','.join(found)}" for term, found in places.items())


def row_values(vendor, terms):
    if vendor == "postgresql":
        return tsvector(terms), tsvector({"title": terms["title"]})
    return tuple(" ".join(terms[name]) for name in FIELDS)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in CREATE[vendor]:
        schema_editor.execute(statement)
    Article = apps.get_model("archive", "Article")
    articles = Article.objects.select_related("language").iterator(chunk_size=500)
    rows = [(article.pk, *row_values(vendor, article_terms(article))) for article in articles]
    if rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(INSERT[vendor], rows)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS archive_search")


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_suggestion_article_index")]

    operations = [migrations.RunPython(create_index, drop_index)]
