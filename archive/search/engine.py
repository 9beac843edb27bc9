"""Search as the rest of the archive uses it: a query text in, matching articles out."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models.expressions import RawSQL

from archive.search.analysis import words
from archive.search.index import matching_sql
from archive.search.query import expand, parse, to_fts5, to_tsquery


@dataclass
class Search:
    articles: object  # a queryset
    notes: list[str] = field(default_factory=list)
    expansions: list = field(default_factory=list)


def articles_search(*, queryset, text, across_languages=True):
    """The articles of `queryset` that match `text`, with notes for the reader. Never raises.

    With `across_languages`, a word or phrase that is a label of a thesaurus concept also
    finds the concept's labels in other languages (Putin → Poetin, Poutine, 普京).
    """
    parsed = parse(text)
    if parsed.is_empty:
        return Search(queryset.none(), [*parsed.notes, "There was nothing to search for."])
    expansions = []
    if across_languages:
        parsed, expansions = expand(parsed, thesaurus())
    write = to_tsquery if connection.vendor == "postgresql" else to_fts5
    if parsed.required:
        queryset = queryset.filter(pk__in=RawSQL(*matching_sql(write(parsed.required))))
    for node in parsed.excluded:
        queryset = queryset.exclude(pk__in=RawSQL(*matching_sql(write([node]))))
    return Search(queryset, list(parsed.notes), expansions)


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
