"""Merging duplicate events into one, losing no tag, alias, suggestion or rejection."""

from django.db import transaction

from archive.ingest.tagging import MAX_WORDS_KEPT
from archive.models import Article, Event, EventAlias, TagRejection, TagSuggestion


@transaction.atomic
def events_merge(*, keep, merged):
    """Move everything of the `merged` events to `keep`, then delete them; returns how many
    were merged.

    An article tagged with any of them is tagged with `keep`; each alias `keep` lacks
    becomes its own; a rejection of any of them for an article rejects `keep`, unless the
    article is tagged with it; a suggestion of any of them suggests `keep` once, with the
    words of all, unless the article is tagged with `keep` or rejects it. Duplicates are
    dropped, never stored twice: the tables' unique constraints hold throughout.
    """
    merged_ids = sorted({event.pk for event in merged} - {keep.pk})
    if not merged_ids:
        return 0
    # Rows locked in a fixed order: two merges of overlapping events wait for each other.
    list(Event.objects.select_for_update().filter(pk__in=[keep.pk, *merged_ids]).order_by("pk"))

    # Not an editor's change of the articles' events (Article.edited_fields): they keep the
    # same tag under one name, and the file's events still reach them on a reload.
    through = Article.events.through
    tagged = set(
        through.objects.filter(event_id__in=[keep.pk, *merged_ids]).values_list(
            "article_id", flat=True
        )
    )
    through.objects.bulk_create(
        [through(article_id=article, event_id=keep.pk) for article in tagged],
        ignore_conflicts=True,
    )

    held = {(a.language_id, a.text) for a in EventAlias.objects.filter(event=keep)}
    moved = []
    for alias in EventAlias.objects.filter(event_id__in=merged_ids).order_by("pk"):
        if (alias.language_id, alias.text) not in held:
            held.add((alias.language_id, alias.text))
            moved.append(alias.pk)
    EventAlias.objects.filter(pk__in=moved).update(event=keep)

    rejected = set(TagRejection.objects.filter(event=keep).values_list("article_id", flat=True))
    moved = []
    for pk, article in (
        TagRejection.objects.filter(event_id__in=merged_ids)
        .order_by("pk")
        .values_list("pk", "article_id")
    ):
        if article not in tagged and article not in rejected:
            rejected.add(article)
            moved.append(pk)
    TagRejection.objects.filter(pk__in=moved).update(event=keep)
    TagRejection.objects.filter(event=keep, article_id__in=tagged).delete()

    suggestions = {
        s.article_id: s
        for s in TagSuggestion.objects.filter(event=keep).exclude(article_id__in=tagged | rejected)
    }
    TagSuggestion.objects.filter(event=keep, article_id__in=tagged | rejected).delete()
    moved, widened = [], {}
    for suggestion in TagSuggestion.objects.filter(event_id__in=merged_ids).order_by("pk"):
        article = suggestion.article_id
        if article in tagged or article in rejected:
            continue
        kept = suggestions.get(article)
        if kept is None:
            suggestions[article] = suggestion
            moved.append(suggestion.pk)
        else:
            words = list(dict.fromkeys(kept.matched_words + suggestion.matched_words))
            kept.matched_words = words[:MAX_WORDS_KEPT]
            widened[kept.pk] = kept
    # Moved first: a suggestion that gained words may be one of those moved.
    TagSuggestion.objects.filter(pk__in=moved).update(event=keep)
    TagSuggestion.objects.bulk_update(list(widened.values()), ["matched_words"])

    # What was not moved goes with its event: tags, aliases, suggestions, rejections.
    Event.objects.filter(pk__in=merged_ids).delete()
    return len(merged_ids)
