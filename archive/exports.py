"""Every article of a search or a filtered list, as CSV or as one JSON document, streamed.

The ids are read once, in the list's order (archive.search.results.Results.ids); the rows
follow in batches of BATCH_SIZE, each batch in a fixed number of queries (the articles with
their languages, their topics, their events, their translations), so that memory stays flat
and the number of queries grows with the batches, never with the rows. An article deleted
while the export is being written is left out; one changed meanwhile is written as it is
when its batch is read.

The choices made for spreadsheets and scripts (the columns, the byte order mark, the
formula guard, the JSON document's shape) are described in docs/reading.md.
"""

import csv
import datetime
import json

from django.utils.text import slugify

from archive.models import Article

BATCH_SIZE = 500

# The columns of both formats, in order; the JSON keys are the same.
COLUMNS = [
    "id",
    "url",
    "title",
    "title_en",
    "language",
    "published",
    "date_precision",
    "source_name",
    "source_url",
    "topics",
    "events",
    "translations",
]

# A cell a spreadsheet app would read as a formula (OWASP's list: = + - @, and a tab or a
# carriage return before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Lists in a CSV cell: slugs and ids never hold it.
CSV_LIST_SEPARATOR = "; "
# Spreadsheet apps read CSV as UTF-8 only when it starts with a byte order mark; without
# one, Excel reads it in the local code page and Chinese or Vietnamese titles are garbled.
BYTE_ORDER_MARK = "\ufeff"


def article_batches(ids, *, absolute, batch_size=None):
    """Lists of rows ({column: value}, see COLUMNS) for the articles `ids`, in their order,
    `batch_size` (BATCH_SIZE) at a time. `absolute` makes a path an absolute URL."""
    batch_size = batch_size or BATCH_SIZE
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        articles = (
            Article.objects.filter(pk__in=batch)
            .order_by()  # put in the ids' order below
            .select_related("language")
            .only(
                "pk",
                "title",
                "title_en",
                "language__code",
                "published",
                "date_precision",
                "source_name",
                "source_url",
                "translation_of_id",
            )
        )
        by_id = {article.pk: article for article in articles}
        topics = _tags(Article.topics.through, "topic", by_id)
        events = _tags(Article.events.through, "event", by_id)
        translations = _translation_ids(by_id.values())
        yield [
            _row(by_id[pk], topics, events, translations, absolute) for pk in batch if pk in by_id
        ]


def _row(article, topics, events, translations, absolute):
    return {
        "id": article.pk,
        "url": absolute(article.get_absolute_url()),
        "title": article.title,
        "title_en": article.title_en,
        "language": article.language.code,
        "published": article.published_iso,
        "date_precision": article.date_precision,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "topics": topics.get(article.pk, []),
        "events": events.get(article.pk, []),
        "translations": translations.get(article.pk, []),
    }


def _tags(through, name, articles):
    """{article id: [{"slug", "name"}]} of the topics or events of `articles`, by name."""
    rows = (
        through.objects.filter(article_id__in=list(articles))
        .order_by()  # sorted here: ordered by name, a planner may walk the names' index
        .values_list("article_id", f"{name}__name", f"{name}__slug")
    )
    tags = {}
    for article_id, tag_name, slug in sorted(rows):
        tags.setdefault(article_id, []).append({"slug": slug, "name": tag_name})
    return tags


def _translation_ids(articles):
    """{article id: the ids of its other language versions, ascending}, in one query.

    An article's family is its original (itself, or the article it translates: that one
    exists, as deleting it clears the link) and the original's translations.
    """
    originals = {article.pk: article.translation_of_id or article.pk for article in articles}
    if not originals:
        return {}
    family = {original: {original} for original in originals.values()}
    children = Article.objects.filter(translation_of_id__in=set(originals.values()))
    for pk, original in children.order_by().values_list("pk", "translation_of_id"):
        family[original].add(pk)
    return {
        pk: sorted(other for other in family[original] if other != pk)
        for pk, original in originals.items()
    }


def neutralised(value):
    """A CSV cell that a spreadsheet app shows as the text it is rather than running it as
    a formula: a leading apostrophe before = + - @ (a tab or a carriage return)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class _Echo:
    """A file for csv.writer that hands each written line back instead of keeping it."""

    def write(self, value):
        return value


def csv_chunks(ids, *, absolute, batch_size=None):
    """The CSV text, a header line then one chunk per batch of rows."""
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow(COLUMNS)
    for rows in article_batches(ids, absolute=absolute, batch_size=batch_size):
        yield "".join(writer.writerow([_csv_cell(row[name]) for name in COLUMNS]) for row in rows)


def _csv_cell(value):
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(
            str(item["slug"] if isinstance(item, dict) else item) for item in value
        )
    return neutralised(value)


def json_chunks(ids, *, absolute, header, batch_size=None):
    """One JSON document: the `header`'s keys, "count", then "articles", an array of one
    object per row, written a batch at a time."""
    head = json.dumps({**header, "count": len(ids)}, ensure_ascii=False)
    yield head[:-1] + ', "articles": ['  # the header always has its "count"
    first = True
    for rows in article_batches(ids, absolute=absolute, batch_size=batch_size):
        if not rows:
            continue
        chunk = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
        yield ("\n" if first else ",\n") + chunk
        first = False
    yield "\n]}\n"


def file_name(cleaned, extension, *, today=None):
    """A name that says what the file holds: the archive, the filters, the day.
    `cleaned` is the filter form's cleaned_data."""
    parts = [cleaned.get("q") or ""]
    parts += [item.code for item in cleaned.get("language") or ()]
    parts += [item.slug for item in cleaned.get("topic") or ()]
    parts += [item.slug for item in cleaned.get("event") or ()]
    parts += list(cleaned.get("source") or ())
    if cleaned.get("year"):
        parts.append(str(cleaned["year"]))
    if cleaned.get("translated"):
        parts.append("translated" if cleaned["translated"] == "yes" else "untranslated")
    for bound in ("date_from", "date_to"):
        if cleaned.get(bound):
            parts.append(f"{bound.replace('_', '-')} {cleaned[bound].isoformat()}")
    if cleaned.get("sort") == "oldest":
        parts.append("oldest first")
    described = slugify(" ".join(parts), allow_unicode=True)[:60].strip("-")
    day = (today or datetime.date.today()).isoformat()
    return (
        "-".join(part for part in ("us-china-archive-articles", described, day) if part)
        + f".{extension}"
    )
