"""The ways into the archive besides a search: the home page, and the indexes of events,
topics and languages, each counted from the archive-wide search (cached per data version)."""

from itertools import groupby

from django.http import QueryDict
from django.shortcuts import render

from archive.charts import month_chart
from archive.feeds import feed_link
from archive.models import Article, Event, Language, Topic
from archive.views import read_only

LATEST_ARTICLES = 8
RECENT_EVENTS = 5


@read_only
def home(request):
    everything = Article.objects.search("")
    facets = everything.facets()
    return render(
        request,
        "archive/home.html",
        {
            "total": everything.count(),
            "languages": facets["language"],
            "topics": facets["topic"],
            # A page of the search that counted them, cached per data version.
            "latest": everything.results[:LATEST_ARTICLES],
            "events": _counted(Event.objects.all()[:RECENT_EVENTS], facets["event"]),
            "chart": month_chart(everything.months()),
            "feed": feed_link("latest"),
            "params": QueryDict(),  # the chart's links start from no filter
        },
    )


@read_only
def event_list(request):
    events = _counted(Event.objects.all(), Article.objects.search("").facets()["event"])
    years = [
        (year, list(group))
        for year, group in groupby(
            events, key=lambda e: e.start_date.year if e.start_date else None
        )
    ]
    return render(request, "archive/event_list.html", {"years": years, "count": len(events)})


@read_only
def topic_list(request):
    topics = _counted(Topic.objects.all(), Article.objects.search("").facets()["topic"])
    return render(request, "archive/topic_list.html", {"topics": topics})


@read_only
def language_list(request):
    languages = _counted(
        Language.objects.all(), Article.objects.search("").facets()["language"], key="code"
    )
    languages = sorted(
        (language for language in languages if language.article_count),
        key=lambda language: -language.article_count,
    )
    return render(request, "archive/language_list.html", {"languages": languages})


def _counted(items, facet, *, key="slug"):
    """`items` (topics, events or languages) with their `article_count`, from a facet's
    counts, which name each by its `key`."""
    counts = {item["value"]: item["count"] for item in facet}
    items = list(items)
    for item in items:
        item.article_count = counts.get(getattr(item, key), 0)
    return items
