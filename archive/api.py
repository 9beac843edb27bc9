"""The JSON API: /api/articles/ takes the parameters of /articles/ and answers in JSON.

Where the page names a filter it did not understand and ignores it, the API refuses the
request with a 400 and says which parameter was wrong: a program asking for French articles
with a typo should not silently get every language.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import prefetch_related_objects
from django.http import JsonResponse

from archive.filters import ArticleFilter
from archive.models import Article
from archive.views import read_only


@read_only
def api_article_list(request):
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    if not filterset.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
        return _bad_request("Some parameters are not valid.", errors)
    search = filterset.search()
    paginator = Paginator(search.results, settings.ARCHIVE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return _bad_request("page must be a whole number, 1 or more.", {"page": ["Not a number."]})
    except EmptyPage:
        last = paginator.num_pages
        message = f"There is no such page; pages go from 1 to {last}."
        return _bad_request(message, {"page": [message]})
    articles = list(page)
    prefetch_related_objects(articles, "topics", "events")
    translations = _translations(articles)
    return JsonResponse(
        {
            "count": paginator.count,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                _page_url(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [
                _article(request, article, translations.get(article.pk, [])) for article in articles
            ],
            "facets": search.facets(),
            "expansions": [
                {"typed": expansion.typed, "also": list(expansion.also)}
                for expansion in search.expansions
            ],
            "notes": search.notes,
            "sort": search.sort,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _bad_request(message, errors):
    return JsonResponse(
        {"error": message, "errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
    )


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _article(request, article, translations):
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.title,
        "language": article.language.code,
        "published": article.published_iso or None,
        "date_precision": article.date_precision,
        "snippet": str(article.snippet),
        "topics": [{"slug": topic.slug, "name": topic.name} for topic in article.topics.all()],
        "events": [{"slug": event.slug, "name": event.name} for event in article.events.all()],
        "translations": [
            {
                "id": other.pk,
                "url": request.build_absolute_uri(other.get_absolute_url()),
                "language": other.language.code,
                "title": other.title,
            }
            for other in translations
        ],
    }


def _translations(articles):
    """{article id: its other language versions}, in one query for the whole page."""
    originals = {article.pk: article.translation_of_id or article.pk for article in articles}
    if not originals:
        return {}
    # Two lookups by index rather than one OR, which a planner may answer by reading the
    # whole table in id order.
    articles = Article.objects.select_related("language").order_by()
    family = {
        *articles.filter(pk__in=originals.values()),
        *articles.filter(translation_of_id__in=originals.values()),
    }
    by_original = {}
    for other in sorted(family, key=lambda article: article.pk):
        by_original.setdefault(other.translation_of_id or other.pk, []).append(other)
    return {
        pk: [other for other in by_original.get(original, []) if other.pk != pk]
        for pk, original in originals.items()
    }
