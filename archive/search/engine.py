"""Search as the rest of the archive uses it: a query text in, matching articles out."""

from django.db import connection
from django.db.models.expressions import RawSQL

from archive.search.index import matching_sql
from archive.search.query import parse, to_fts5, to_tsquery


def articles_search(*, queryset, text):
    """(articles of `queryset` that match `text`, notes for the reader). Never raises."""
    parsed = parse(text)
    if parsed.is_empty:
        return queryset.none(), [*parsed.notes, "There was nothing to search for."]
    write = to_tsquery if connection.vendor == "postgresql" else to_fts5
    if parsed.required:
        queryset = queryset.filter(pk__in=RawSQL(*matching_sql(write(parsed.required))))
    for node in parsed.excluded:
        queryset = queryset.exclude(pk__in=RawSQL(*matching_sql(write([node]))))
    return queryset, list(parsed.notes)
