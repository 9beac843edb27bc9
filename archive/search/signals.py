"""Keeping the index in step with articles saved or deleted through the ORM.

The loader writes new articles without the ORM's save() and indexes them itself
(`archive.ingest.store`); everything else (the admin, updates, deletions) comes here.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from archive.models import Article
from archive.search.documents import articles_index, articles_unindex

INDEXED_FIELDS = {"title", "title_en", "standfirst", "blocks", "language"}


@receiver(post_save, sender=Article, dispatch_uid="archive.search.index_on_save")
def article_saved(sender, instance, raw, update_fields, **kwargs):
    if raw or (update_fields is not None and not INDEXED_FIELDS & set(update_fields)):
        return
    articles_index([instance])


@receiver(post_delete, sender=Article, dispatch_uid="archive.search.unindex_on_delete")
def article_deleted(sender, instance, **kwargs):
    articles_unindex([instance.pk])
