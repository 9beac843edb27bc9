"""The versions of articles, events, topics and concepts (django-simple-history).

Every save() adds a version with who made it (HistoryRequestMiddleware names the signed-in
editor). What the loader records: nothing for the articles it inserts in bulk, whose first
version is their file, and a version for each article a reload changes, as any save() does.
A version is only worth having with the one before it, so before the first change to a row
that has none (an article the loader inserted, or one stored before history was kept), its
stored state is recorded first, as it was loaded.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from archive.models import Article, Concept, Event, Topic

# What the first version of a row that was stored without one says it is.
FIRST_VERSION_REASON = "as first stored"


@receiver(pre_save, dispatch_uid="archive.history.first_version")
def first_version_record(sender, instance, raw, **kwargs):
    if sender not in (Article, Concept, Event, Topic) or raw or instance.pk is None:
        return
    if hasattr(instance, "skip_history_when_saving"):
        return
    if sender.history.filter(id=instance.pk).exists():
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    if stored is None:  # a new row: its own save records its first version
        return
    # Before the change that follows, whoever makes it: the loader wrote this one.
    stored._history_user = None
    if isinstance(stored, Article):
        stored._history_date = stored.created_at
    sender.history.bulk_history_create([stored], default_change_reason=FIRST_VERSION_REASON)
