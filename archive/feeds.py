"""Atom feeds of the newest articles: of the whole archive, of a topic, of an event, and of
any search or filtered list (the parameters of /articles/).

Each entry carries its article's language as xml:lang (feed readers report it on the
entry's title and summary), its link, a summary (the standfirst, or the first paragraph),
its topics and events as categories, and two dates:

- published: the publication date at midnight UTC. Atom wants a full timestamp, so a date
  known only to the month or the year is given as the first day of that month or year, as
  the archive stores and sorts it ("June 2025" is 2025-06-01T00:00:00Z); an undated article
  has no published date.
- updated: when the archive last changed the article, which every entry has.

A search's feed lists its matches newest first unless `sort` says otherwise: a feed is read
for what is new, not for the best match.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from archive import listing
from archive.filters import ArticleFilter
from archive.models import Article, Event, Topic
from archive.text import without_control_characters
from archive.views.exports import bad_parameters

ENTRIES = 50
SUMMARY_WORDS = 80
SITE = "US–China Archive"


class LanguageAtom1Feed(Atom1Feed):
    """Atom with each entry's language (the item's "language") as its xml:lang."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


@dataclass
class Subject:
    """What a feed is of, for one request: its titles, links and articles."""

    title: str
    subtitle: str
    link: str  # the page that lists the same articles
    articles: object  # a callable giving the entries' articles, newest first
    request: object
    feed_url: str | None = None


class ArticleFeed(Feed):
    feed_type = LanguageAtom1Feed
    author_name = SITE

    def title(self, subject):
        return f"{subject.title} — {SITE}"

    def subtitle(self, subject):
        return subject.subtitle

    def link(self, subject):
        return subject.link

    def feed_url(self, subject):
        return subject.feed_url

    def items(self, subject):
        articles = subject.articles()
        for article in articles:
            # The entry's id: the short link, which changes neither with the headline nor
            # with the page's path.
            article.feed_id = subject.request.build_absolute_uri(
                reverse("article_detail_short", args=[article.pk])
            )
        return articles

    # XML refuses the control characters a loaded text may hold (an ESC from a web page):
    # they are left out of what an entry says.

    def item_title(self, article):
        # An Atom title is text: escaping it would show the entities.
        return without_control_characters(article.title)

    def item_description(self, article):
        # Atom summaries are written as HTML; the excerpt is plain text.
        excerpt = without_control_characters(article.excerpt)
        return escape(Truncator(excerpt).words(SUMMARY_WORDS)) or None

    def item_guid(self, article):
        return article.feed_id

    def item_pubdate(self, article):
        if article.published is None:
            return None
        return datetime.datetime.combine(article.published, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return without_control_characters(article.source_name) or None

    def item_categories(self, article):
        tags = (*article.topics.all(), *article.events.all())
        return [without_control_characters(tag.name) for tag in tags]

    def item_extra_kwargs(self, article):
        return {"language": article.language.code}


def _newest(articles):
    """The first ENTRIES of `articles` newest first, with what the entries show."""
    return lambda: list(
        articles.newest_first()
        .select_related("language")
        .prefetch_related("topics", "events")[:ENTRIES]
    )


class LatestArticlesFeed(ArticleFeed):
    def get_object(self, request):
        return Subject(
            title="Latest articles",
            subtitle="The newest articles of the archive, in every language.",
            link=reverse("article_list"),
            articles=_newest(Article.objects.all()),
            request=request,
        )


class TopicFeed(ArticleFeed):
    def get_object(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        return Subject(
            title=topic.name,
            subtitle=f"The newest articles on {topic.name}, in every language.",
            link=reverse("topic_detail", args=[topic.slug]),
            articles=_newest(Article.objects.filter(topics=topic)),
            request=request,
        )


class EventFeed(ArticleFeed):
    def get_object(self, request, slug):
        event = get_object_or_404(Event, slug=slug)
        return Subject(
            title=event.name,
            subtitle=f"The newest articles on {event.name}, in every language.",
            link=reverse("event_detail", args=[event.slug]),
            articles=_newest(Article.objects.filter(events=event)),
            request=request,
        )


class _Refused(Exception):
    def __init__(self, filterset):
        self.filterset = filterset


class SearchFeed(ArticleFeed):
    """The feed of /articles/ with the same parameters; a parameter that is not valid is a
    400 in plain text, as for the exports."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except _Refused as refused:
            return bad_parameters(refused.filterset, "No feed")

    def get_object(self, request):
        data = request.GET.copy()
        if not data.get("sort"):
            data["sort"] = "newest"
        filterset = ArticleFilter(data, queryset=Article.objects.all())
        if not filterset.is_valid():
            raise _Refused(filterset)
        search = filterset.search()
        params = listing.link_params(request.GET, filterset.form)
        return Subject(
            title=search_title(params.get("q", "")),
            subtitle="The newest articles of a search or a filtered list of the archive.",
            link=listing.url_with(reverse("article_list"), params),
            articles=lambda: _in_order(search.results.ids(ENTRIES)),
            request=request,
            feed_url=request.get_full_path(),
        )


def _in_order(ids):
    articles = (
        Article.objects.select_related("language").prefetch_related("topics", "events").in_bulk(ids)
    )
    return [articles[pk] for pk in ids if pk in articles]


def search_title(q):
    q = " ".join(without_control_characters(q or "").split())
    return f"Articles matching “{Truncator(q).chars(60)}”" if q else "Articles of this list"


def feed_link(kind, obj=None, query=""):
    """{"url", "title"} of the feed a page advertises (base.html's `feed`): kind "latest";
    "topic" or "event" with the Topic or Event as `obj`; "search" with the urlencoded
    filters as `query` (archive.listing.encoded)."""
    if kind == "latest":
        url, title = reverse("latest_feed"), "Latest articles"
    elif kind == "topic":
        url, title = reverse("topic_feed", args=[obj.slug]), f"Articles on {obj.name}"
    elif kind == "event":
        url, title = reverse("event_feed", args=[obj.slug]), f"Articles on {obj.name}"
    elif kind == "search":
        url = reverse("articles_feed") + (f"?{query}" if query else "")
        title = search_title(QueryDict(query).get("q", ""))
    else:
        raise ValueError(f"No feed of the kind {kind!r}.")
    return {"url": url, "title": f"{title} (Atom) — {SITE}"}
