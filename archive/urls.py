from django.urls import path

from archive import api
from archive.views import articles, lists

urlpatterns = [
    # The article list is the home page until the archive has one of its own.
    path("", lists.article_list, name="home"),
    path("articles/", lists.article_list, name="article_list"),
    path("articles/<int:pk>/", articles.article_detail, name="article_detail_short"),
    path("articles/<int:pk>/<str:slug>/", articles.article_detail, name="article_detail"),
    path("api/articles/", api.api_article_list, name="api_article_list"),
]
