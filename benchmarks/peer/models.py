from modelsearch import index
from modelsearch.queryset import SearchableQuerySetMixin

from archive.models import Article, ArticleQuerySet


class PeerQuerySet(SearchableQuerySetMixin, ArticleQuerySet):
    pass


class PeerArticle(index.Indexed, Article):
    """The archive's articles as django-modelsearch indexes them (fields weighted as ours)."""

    search_fields = [
        index.SearchField("title", boost=10),
        index.SearchField("title_en", boost=10),
        index.SearchField("standfirst", boost=4),
        index.SearchField("body"),
        index.FilterField("language_id"),
        index.FilterField("published"),
        index.FilterField("date_precision"),
    ]
    objects = PeerQuerySet.as_manager()

    class Meta:
        proxy = True
