from django.shortcuts import get_object_or_404, redirect, render

from archive.models import Article


def article_detail(request, pk, slug=None):
    article = get_object_or_404(
        Article.objects.select_related("language").prefetch_related("topics", "events"), pk=pk
    )
    # Titles change when editors fix them; old links keep working and land on the new URL.
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(request, "archive/article_detail.html", {"article": article})
