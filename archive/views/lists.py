"""The results page, and the listing pages that are the results page with one filter set by
their path: a topic's, an event's, a language's."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render

from archive import listing
from archive.charts import month_chart
from archive.feeds import feed_link
from archive.filters import ArticleFilter
from archive.models import Article, Event, Language, Topic
from archive.views import read_only


@read_only
def article_list(request):
    return _results(request, template="archive/article_list.html")


@read_only
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return _results(
        request,
        template="archive/topic_detail.html",
        fixed=("topic", topic.slug),
        topic=topic,
        feed=feed_link("topic", topic),
    )


@read_only
def event_detail(request, slug):
    event = get_object_or_404(Event.objects.prefetch_related("aliases__language"), slug=slug)
    return _results(
        request,
        template="archive/event_detail.html",
        fixed=("event", event.slug),
        event=event,
        feed=feed_link("event", event),
    )


@read_only
def language_detail(request, code):
    language = get_object_or_404(Language, code=code)
    return _results(
        request,
        template="archive/language_detail.html",
        fixed=("language", language.code),
        language=language,
    )


def _results(request, *, template, fixed=None, **context):
    """The results page for the request's filters and, with `fixed` (name, value), the
    page's own filter."""
    data = _with_fixed(request.GET, fixed)
    filterset = ArticleFilter(data, queryset=Article.objects.all())
    search = filterset.search()
    params = listing.link_params(request.GET, filterset.form)
    requested = request.GET.get("page")
    page = Paginator(search.results, settings.ARCHIVE_PAGE_SIZE).get_page(requested)
    chips = listing.active_filters(filterset.form, params)
    count = page.paginator.count
    export_query = listing.encoded(_with_fixed(params, fixed))
    # A topic's or an event's page follows its own feed; any other list, its search's.
    context.setdefault("feed", feed_link("search", query=export_query))
    return render(
        request,
        template,
        {
            "filter": filterset,
            "search": search,
            "params": params,
            "page": page,
            "page_note": _page_note(requested, page, refused="page" in filterset.form.errors),
            "facets": listing.facet_links(search.facets(), params, fixed=fixed),
            "chips": chips,
            "clear_url": "?",
            "chart": month_chart(search.months()) if count else None,
            "suggestions": _suggestions(request, chips, fixed) if not count else [],
            "export_query": export_query,
            **context,
        },
    )


# Parameters whose values any article may match one of: a page's own value replaces them.
ANY_OF = ("language", "source")


def _with_fixed(params, fixed):
    if not fixed:
        return params
    data = params.copy() if isinstance(params, QueryDict) else QueryDict(mutable=True)
    name, value = fixed
    if name in ANY_OF:  # the page's language, not it or another
        data.setlist(name, [value])
    else:
        data.setlist(name, [value, *(v for v in data.getlist(name) if v != value)])
    return data


def _suggestions(request, chips, fixed):
    """What each filter's removal would show, when nothing matched."""

    def count_without(url):
        data = _with_fixed(QueryDict(url[1:]), fixed)
        return ArticleFilter(data, queryset=Article.objects.all()).search().count()

    return listing.suggestions(chips[: listing.MOST_SUGGESTIONS], count_without=count_without)


def _page_note(requested, page, *, refused):
    """What the page says when it shows another page than the one asked for."""
    if refused or requested in (None, "") or requested == str(page.number):
        return ""
    return (
        f"There is no page “{requested[:20]}”: pages go from 1 to "
        f"{page.paginator.num_pages}. This is page {page.number}."
    )
