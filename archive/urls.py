from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from archive import api, feeds
from archive.sitemaps import SITEMAPS
from archive.views import articles, exports, lists, site

urlpatterns = [
    # The article list is the home page until the archive has one of its own.
    path("", lists.article_list, name="home"),
    path("articles/", lists.article_list, name="article_list"),
    path("articles/<int:pk>/", articles.article_detail, name="article_detail_short"),
    path("articles/<int:pk>/<str:slug>/", articles.article_detail, name="article_detail"),
    path("api/articles/", api.api_article_list, name="api_article_list"),
    # Taking results away: exports and feeds of any list, and what browsers and crawlers read.
    path("articles/export.csv", exports.articles_csv, name="articles_csv"),
    path("articles/export.json", exports.articles_json, name="articles_json"),
    path("articles/feed.atom", feeds.SearchFeed(), name="articles_feed"),
    path("feeds/latest.atom", feeds.LatestArticlesFeed(), name="latest_feed"),
    path("topics/<slug:slug>/feed.atom", feeds.TopicFeed(), name="topic_feed"),
    path("events/<slug:slug>/feed.atom", feeds.EventFeed(), name="event_feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", site.robots_txt, name="robots_txt"),
    path("opensearch.xml", site.opensearch_xml, name="opensearch"),
]
