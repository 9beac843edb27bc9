from django.urls import path

from archive import api, views

urlpatterns = [
    # The article list is the home page until the archive has one of its own.
    path("", views.article_list, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail_short"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="article_detail"),
    path("api/articles/", api.api_article_list, name="api_article_list"),
]
