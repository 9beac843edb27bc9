"""Deciding the loader's suggested tags: a confirmed one becomes a tag of its article, a
rejected one is remembered (TagRejection) so that no later load suggests it again.

The bulk variants write with a few queries whatever the number of suggestions, so that an
editor may decide hundreds at once from the list of suggestions.
"""

from django.db import transaction

from archive.models import Article, TagRejection, TagSuggestion


def suggestion_confirm(*, suggestion):
    """Make `suggestion` a tag of its article; it leaves the suggestions."""
    return suggestions_confirm(suggestions=[suggestion])


def suggestion_reject(*, suggestion, user):
    """Turn `suggestion` down for good, noting who did; it leaves the suggestions."""
    return suggestions_reject(suggestions=[suggestion], user=user)


def _rows(suggestions):
    """(id, article id, topic id, event id) of each suggestion still stored: a list or a
    queryset may name one that another editor decided a moment ago."""
    ids = [s.pk for s in suggestions] if isinstance(suggestions, list | tuple) else suggestions
    return list(
        TagSuggestion.objects.filter(
            pk__in=ids if isinstance(ids, list) else ids.values("pk")
        ).values_list("pk", "article_id", "topic_id", "event_id")
    )


@transaction.atomic
def suggestions_confirm(*, suggestions):
    """Make each of `suggestions` (a queryset or a list) a tag; returns how many."""
    rows = _rows(suggestions)
    for field, column, index in (("topics", "topic_id", 2), ("events", "event_id", 3)):
        through = getattr(Article, field).through
        through.objects.bulk_create(
            [through(article_id=row[1], **{column: row[index]}) for row in rows if row[index]],
            ignore_conflicts=True,  # tagged already, by another editor or the file
        )
        # The editor chose the article's tags, as in its form: a reload leaves them so.
        Article.tags_edits_record({row[1] for row in rows if row[index]}, field)
    TagSuggestion.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return len(rows)


@transaction.atomic
def suggestions_reject(*, suggestions, user):
    """Turn each of `suggestions` (a queryset or a list) down for good; returns how many."""
    rows = _rows(suggestions)
    TagRejection.objects.bulk_create(
        [
            TagRejection(article_id=article, topic_id=topic, event_id=event, rejected_by=user)
            for _, article, topic, event in rows
        ],
        ignore_conflicts=True,
    )
    TagSuggestion.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return len(rows)


def rejected_tags(article_ids):
    """{("topic" or "event", article id, tag id)} rejected for the articles, in one query:
    what the loader leaves out when it suggests tags again."""
    rejected = set()
    for article, topic, event in TagRejection.objects.filter(
        article_id__in=article_ids
    ).values_list("article_id", "topic_id", "event_id"):
        rejected.add(("topic", article, topic) if topic else ("event", article, event))
    return rejected
