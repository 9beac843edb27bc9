from itertools import zip_longest

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from archive.citations import citations
from archive.models import Article
from archive.related import related_articles
from archive.views import read_only


@read_only
def article_detail(request, pk, slug=None):
    article = get_object_or_404(
        Article.objects.select_related("language").prefetch_related("topics", "events"), pk=pk
    )
    # Titles change when editors fix them; old links keep working and land on the new URL.
    if slug != article.slug:
        return redirect(article, permanent=True)
    # The short form survives a change of title: what a citation should point at.
    permalink = request.build_absolute_uri(reverse("article_detail_short", args=[article.pk]))
    return render(
        request,
        "archive/article_detail.html",
        {
            "article": article,
            "versions": _versions(article),
            "permalink": permalink,
            "canonical": request.build_absolute_uri(article.get_absolute_url()),
            "citations": [
                (citation, *citation.text.partition(citation.title))
                for citation in citations(article, url=permalink, accessed=timezone.localdate())
            ],
            "related": related_articles(article=article),
        },
    )


@read_only
def article_beside(request, pk, slug, other):
    """The article and one of its other language versions in two columns, block by block."""
    article = get_object_or_404(Article.objects.select_related("language"), pk=pk)
    versions = _versions(article)
    beside = next((v for v in versions if v.pk == other and v.pk != article.pk), None)
    if beside is None:
        raise Http404("That article is not another language version of this one.")
    if slug != article.slug:
        return redirect(
            "article_beside", pk=article.pk, slug=article.slug, other=other, permanent=True
        )
    return render(
        request,
        "archive/article_beside.html",
        {
            "article": article,
            "beside": beside,
            "versions": versions,
            "pair": [article, beside],
            # Blocks side by side in order; where one version has more, the rest of it
            # continues in its column beside empty cells.
            "rows": [
                [(left, article.language.code), (right, beside.language.code)]
                for left, right in zip_longest(article.blocks, beside.blocks)
            ],
        },
    )


def _versions(article):
    """The article in each of its languages: the original first, then its translations by
    the English name of their language; `article` itself among them."""
    others = list(article.translations())
    return sorted(
        [article, *others], key=lambda v: (v.translation_of_id is not None, v.language.name_en)
    )
