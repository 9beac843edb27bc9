"""What browsers and crawlers ask the site for: robots.txt and the OpenSearch description
(/opensearch.xml, linked from every page), which lets a browser search the archive from
its address bar."""

from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse

from archive.views import read_only


@read_only
def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )


@read_only
def opensearch_xml(request):
    absolute = request.build_absolute_uri
    return render(
        request,
        "opensearch.xml",
        {
            "list_url": absolute(reverse("article_list")),
            "feed_url": absolute(reverse("articles_feed")),
            "self_url": absolute(reverse("opensearch")),
            "icon_url": absolute(static("favicon.svg")),
        },
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
