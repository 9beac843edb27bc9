from django.db import migrations

# PostgreSQL: the headlines' terms on their own, with a GIN index of their own (SQLite's FTS5
# filters by column). Frozen as this migration made them; an index made by 0005 since has
# both already.
HEADLINE_SQL = [
    "ALTER TABLE archive_search ADD COLUMN IF NOT EXISTS headline tsvector NOT NULL "
    "DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS archive_search_headline ON archive_search USING gin (headline)",
]
# PostgreSQL keeps term positions up to this; later words share it.
MAX_POSITION = 16383


def headline_tsvector(article):
    """The tsvector literal of an article's headlines (title and English title), weight A.
    The analysis is imported here, when the archive has articles already: a new database
    has none, and needs nothing but this file."""
    from archive.search.analysis import folded_terms
    from archive.text import fold

    text = "\n".join(fold(part) for part in (article.title, article.title_en) if part)
    places = {}
    for offset, term in enumerate(folded_terms(text, article.language.code)):
        places.setdefault(term, []).append(f"{min(offset + 1, MAX_POSITION)}A")
    return " ".join(f"'{term}':{','.join(found)}" for term, found in places.items())


def add_headlines(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in HEADLINE_SQL:
        schema_editor.execute(statement)
    Article = apps.get_model("archive", "Article")
    articles = Article.objects.select_related("language").iterator(chunk_size=500)
    rows = [(headline_tsvector(article), article.pk) for article in articles]
    if rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE archive_search SET headline = %s::tsvector WHERE article_id = %s", rows
            )


def drop_headlines(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE archive_search DROP COLUMN IF EXISTS headline")


class Migration(migrations.Migration):
    dependencies = [("archive", "0007_data_version")]

    operations = [migrations.RunPython(add_headlines, drop_headlines)]
