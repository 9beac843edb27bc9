from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from archive.filters import ArticleFilter
from archive.models import Article


def article_list(request):
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    search = filterset.search()
    requested = request.GET.get("page")
    page = Paginator(search.results, settings.ARCHIVE_PAGE_SIZE).get_page(requested)
    return render(
        request,
        "archive/article_list.html",
        {
            "filter": filterset,
            "search": search,
            "page": page,
            "page_note": _page_note(requested, page, refused="page" in filterset.form.errors),
            "facets": search.facets(),
        },
    )


def _page_note(requested, page, *, refused):
    """What the page says when it shows another page than the one asked for."""
    if refused or requested in (None, "") or requested == str(page.number):
        return ""
    return (
        f"There is no page “{requested[:20]}”: pages go from 1 to "
        f"{page.paginator.num_pages}. This is page {page.number}."
    )
