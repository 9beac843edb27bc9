from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from archive import api, feeds
from archive.sitemaps import SITEMAPS
from archive.views import articles, browse, exports, health, lists, read_only, site

urlpatterns = [
    path("", browse.home, name="home"),
    path("articles/", lists.article_list, name="article_list"),
    path("events/", browse.event_list, name="event_list"),
    path("events/<slug:slug>/", lists.event_detail, name="event_detail"),
    path("topics/", browse.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", lists.topic_detail, name="topic_detail"),
    path("languages/", browse.language_list, name="language_list"),
    path("languages/<slug:code>/", lists.language_detail, name="language_detail"),
    path("articles/<int:pk>/", articles.article_detail, name="article_detail_short"),
    path("articles/<int:pk>/<str:slug>/", articles.article_detail, name="article_detail"),
    path(
        "articles/<int:pk>/<str:slug>/beside/<int:other>/",
        articles.article_beside,
        name="article_beside",
    ),
    path("api/articles/", api.api_article_list, name="api_article_list"),
    # Taking results away: exports and feeds of any list, and what browsers and crawlers read.
    path("articles/export.csv", exports.articles_csv, name="articles_csv"),
    path("articles/export.json", exports.articles_json, name="articles_json"),
    path("articles/feed.atom", read_only(feeds.SearchFeed()), name="articles_feed"),
    path("feeds/latest.atom", read_only(feeds.LatestArticlesFeed()), name="latest_feed"),
    path("topics/<slug:slug>/feed.atom", read_only(feeds.TopicFeed()), name="topic_feed"),
    path("events/<slug:slug>/feed.atom", read_only(feeds.EventFeed()), name="event_feed"),
    path(
        "sitemap.xml",
        read_only(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        read_only(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", site.robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
    path("opensearch.xml", site.opensearch_xml, name="opensearch"),
]
