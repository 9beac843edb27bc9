"""What editors do to many articles at once: tagging them with an event or a topic, or taking
the tag away.

Each call writes the through table of the relation directly, in one transaction and a
bounded number of queries whatever the number of articles: saving each article, or calling
`article.topics.add()` per article, would cost queries per article. The database triggers
on the through tables renew the search's data version (migration 0007), so a search's
facets follow at once.

Whatever changes an article's topics or events for an editor notes it in the article's
edited_fields (Article.tags_edits_record), so that a reload of its file leaves its tags as
the editor left them: these functions, confirming a suggestion (archive.suggestions), and
`article.topics.add()` and the like, the admin form's included (tags_edited below). The
loader writes the through tables in bulk, which sends no m2m_changed: what it adds is the
file's, not an editor's.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from archive.models import Article

# The relation and its column in the through table, per kind of tag.
_RELATIONS = {"event": (Article.events, "event_id"), "topic": (Article.topics, "topic_id")}
_FIELDS = {"event": "events", "topic": "topics"}


def articles_tag(*, articles, event=None, topic=None):
    """Tag `articles` (a queryset) with `event` or `topic`. Returns how many articles gained
    the tag: those that had it already are left as they are and not counted."""
    kind, through, column, tag = _relation(event=event, topic=topic)
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
        Article.tags_edits_record(new_ids, _FIELDS[kind])
    return len(new_ids)


def articles_untag(*, articles, event=None, topic=None):
    """Take `event` or `topic` away from `articles` (a queryset). Returns how many articles
    lost it."""
    kind, through, column, tag = _relation(event=event, topic=topic)
    with transaction.atomic():
        tagged = through.objects.filter(**{column: tag.pk})
        ids = list(
            tagged.filter(article_id__in=articles.values("pk")).values_list("article_id", flat=True)
        )
        deleted, _ = tagged.filter(article_id__in=ids).delete()
        Article.tags_edits_record(ids, _FIELDS[kind])
    return deleted


def _relation(*, event, topic):
    if (event is None) == (topic is None):
        raise ValueError("Give either an event or a topic.")
    kind, tag = ("event", event) if event is not None else ("topic", topic)
    relation, column = _RELATIONS[kind]
    return kind, relation.through, column, tag


def _tags_edited(sender, instance, action, reverse, pk_set, **kwargs):
    """Note a change of an article's topics or events made through the relation's manager
    (`article.topics.add()`, `.remove()`, `.set()`, `.clear()`, and the same from the side of
    a topic or an event), as the admin form's save does."""
    field = "topics" if sender is Article.topics.through else "events"
    if not reverse:
        if (action in ("post_add", "post_remove") and pk_set) or action == "post_clear":
            Article.tags_edits_record([instance.pk], field)
            instance.edits_record({field})
    elif action in ("post_add", "post_remove") and pk_set:
        Article.tags_edits_record(pk_set, field)
    elif action == "pre_clear":
        # Afterwards nothing says which articles lost the tag.
        Article.tags_edits_record(instance.articles.values("pk"), field)


for _name in ("topics", "events"):
    receiver(
        m2m_changed,
        sender=getattr(Article, _name).through,
        dispatch_uid=f"archive.editing.tags_edited.{_name}",
    )(_tags_edited)
