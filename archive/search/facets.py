"""Facet counts of a search's matches, counted in SQL, and labelled for the reader.

Counts usually come from the columns in memory (archive.search.columns); `facet_counts` is
what a search falls back on when they cannot serve: the data changed under them, or a match
is an article they do not know.
"""

from django.db.models import Max

from archive.models import Article, Event, Language, Topic
from archive.routing import reading_connection
from archive.search.backends import backend_for

FACETS = ("language", "topic", "event", "year", "source", "translated")
# What is counted: the facets, and the matches per month for the chart of attention over time.
COUNTED = (*FACETS, "month")
# Only the articles dated to the day or the month count in a month.
IN_A_MONTH = "date_precision IN ('day', 'month')"
# An article with another language version: a translation, or an original of one.
TRANSLATED = (
    "(archive_article.translation_of_id IS NOT NULL OR archive_article.id IN "
    "(SELECT translation_of_id FROM archive_article WHERE translation_of_id IS NOT NULL))"
)


def most_of_archive(count):
    """Whether `count` matches are, for facet counting, most of the archive: only asked of
    a database that counts those from the facets index (see facet_counts)."""
    if not backend_for(reading_connection()).counts_most_from_facets_index:
        return False
    largest = Article.objects.aggregate(largest=Max("pk"))["largest"] or 0  # ids only grow
    return count * 20 > largest


def facet_counts(ids_sql, *, most=False, unique=False):
    """{facet: {language id, year, source name, topic or event id: count}} for the articles
    `ids_sql` selects.

    One statement counts them all. Where a subquery named WITH is found once for all its
    uses (PostgreSQL, where finding the matches is the costly part), ids that `ids_sql` gives
    once each (`unique`) are found once for all the counts. When they are `most` of the
    archive, the backend may read the facets index through rather than look every match up
    in the wide article rows (SQLite; PostgreSQL's planner makes that choice itself).
    """
    connection = reading_connection()
    backend = backend_for(connection)
    sql, params = ids_sql
    table, tagged = backend.facet_rows(Article._meta.db_table, most=most)
    tags = {
        facet: Article._meta.get_field(f"{facet}s").remote_field.through._meta.db_table
        for facet in ("topic", "event")
    }
    if unique and backend.keeps_named_subqueries:
        # Joined: PostgreSQL would look a kept subquery's ids up one by one with IN.
        matched = f"WITH matched(id) AS ({sql}) "

        def article_rows(condition="1 = 1"):
            return f"{table} JOIN matched ON matched.id = {table}.id WHERE {condition}"

        def tagged_rows(through):
            return f"{through} JOIN matched ON matched.id = {through}.article_id"
    else:
        # Found again for each count (on SQLite keeping them measured slower), and looked
        # up with IN, so that the joins of the reader's filters cannot count twice.
        matched = ""

        def article_rows(condition="1 = 1"):
            return f"{table} WHERE id IN ({sql}) AND {condition}"

        def tagged_rows(through):
            return f"{through} WHERE {tagged} IN ({sql})"

    parts = [
        f"SELECT 'article', language_id, {backend.year_sql}, source_name, COUNT(*) "
        f"FROM {article_rows()} GROUP BY 2, 3, 4",
        *(
            f"SELECT '{facet}', {facet}_id, NULL, NULL, COUNT(*) "
            f"FROM {tagged_rows(through)} GROUP BY 2"
            for facet, through in tags.items()
        ),
        f"SELECT 'month', {backend.month_sql}, NULL, NULL, COUNT(*) "
        f"FROM {article_rows(IN_A_MONTH)} GROUP BY 2",
        f"SELECT 'translated', 1, NULL, NULL, COUNT(*) FROM {article_rows(TRANSLATED)}",
    ]
    statement = matched + " UNION ALL ".join(parts)
    if not matched:
        params = params * len(parts)
    by = {facet: {} for facet in COUNTED}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for kind, key, published_year, source_name, count in cursor.fetchall():
            if kind == "translated":
                by[kind] = {True: count} if count else {}
                continue
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
    {facet: {language id, year, source name, topic or event id, True: count}}."""
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
        "translated": [
            {"value": "yes", "label": "Has a translation", "count": n}
            for n in by["translated"].values()
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
