"""What editors do to many articles at once: tagging them with an event or a topic, or taking
the tag away.

Each call writes the through table of the relation directly, in one transaction and a
bounded number of queries whatever the number of articles: saving each article, or calling
`article.topics.add()` per article, would cost queries per article. The database triggers
on the through tables renew the search's data version (migration 0007), so a search's
facets follow at once.
"""

from django.db import transaction

from archive.models import Article

# The relation and its column in the through table, per kind of tag.
_RELATIONS = {"event": (Article.events, "event_id"), "topic": (Article.topics, "topic_id")}


def articles_tag(*, articles, event=None, topic=None):
    """Tag `articles` (a queryset) with `event` or `topic`. Returns how many articles gained
    the tag: those that had it already are left as they are and not counted."""
    through, column, tag = _relation(event=event, topic=topic)
    with transaction.atomic():
        already = through.objects.filter(**{column: tag.pk}).values("article_id")
        new_ids = list(
            articles.exclude(pk__in=already).order_by().values_list("pk", flat=True).distinct()
        )
        # A tag added meanwhile by another editor is a conflict to ignore, not an error.
        through.objects.bulk_create(
            [through(article_id=pk, **{column: tag.pk}) for pk in new_ids],
            ignore_conflicts=True,
        )
    return len(new_ids)


def articles_untag(*, articles, event=None, topic=None):
    """Take `event` or `topic` away from `articles` (a queryset). Returns how many articles
    lost it."""
    through, column, tag = _relation(event=event, topic=topic)
    with transaction.atomic():
        ids = articles.values("pk")
        deleted, _ = through.objects.filter(**{column: tag.pk}, article_id__in=ids).delete()
    return deleted


def _relation(*, event, topic):
    if (event is None) == (topic is None):
        raise ValueError("Give either an event or a topic.")
    kind, tag = ("event", event) if event is not None else ("topic", topic)
    relation, column = _RELATIONS[kind]
    return relation.through, column, tag
