"""sitemap.xml: an index of the sections below, each a sitemap of its own
(/sitemap-articles.xml, …), the articles paginated by the framework at ARTICLES_A_FILE a
file (/sitemap-articles.xml?p=2).

Each URL's lastmod is when the archive last changed what the page shows: the article's
updated_at; for a topic, an event or a language, the latest updated_at of its articles
(none for one without articles). The section's lastmod in the index is computed in one
query rather than from every item, which for the articles would read them all.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from archive.models import Article, Event, Language, Topic


class PagesSitemap(Sitemap):
    """The lists a reader starts from."""

    def items(self):
        return ["home", "article_list", "topic_list", "event_list", "language_list"]

    def location(self, name):
        return reverse(name)


# Django writes a sitemap file whole in memory: at the protocol's 50,000 URLs a file, about
# 90 MB in one request; a tenth of that keeps a server process's memory flat.
ARTICLES_A_FILE = 10_000


class ArticleSitemap(Sitemap):
    limit = ARTICLES_A_FILE

    def items(self):
        # Only what the URL and lastmod need.
        return Article.objects.order_by("pk").only("pk", "title", "updated_at")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        return Article.objects.aggregate(latest=Max("updated_at"))["latest"]


class _TaggedSitemap(Sitemap):
    """Pages of a model whose last change is the latest change of its articles."""

    model = None
    route = ""
    key = "slug"

    def queryset(self):
        return self.model.objects.annotate(latest=Max("articles__updated_at"))

    def items(self):
        return self.queryset().order_by(self.key)

    def location(self, item):
        return reverse(self.route, args=[getattr(item, self.key)])

    def lastmod(self, item):
        return item.latest

    def get_latest_lastmod(self):
        return Article.objects.filter(**{f"{self.related}__isnull": False}).aggregate(
            latest=Max("updated_at")
        )["latest"]


class TopicSitemap(_TaggedSitemap):
    model, route, related = Topic, "topic_detail", "topics"


class EventSitemap(_TaggedSitemap):
    model, route, related = Event, "event_detail", "events"


class LanguageSitemap(_TaggedSitemap):
    """The languages the archive has articles in; the others have no page worth a visit."""

    model, route, related, key = Language, "language_detail", "language", "code"

    def queryset(self):
        return super().queryset().filter(latest__isnull=False)


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "events": EventSitemap,
    "languages": LanguageSitemap,
}
