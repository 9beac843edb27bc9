"""The thesaurus as search reads it: which labels a query's words also stand for."""

from archive.models import ConceptLabel
from archive.search.analysis import words


def thesaurus():
    """{a label's folded words: the other labels of its concept}."""
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
