from django.contrib import admin
from django.db import models
from django.db.models import Count

from archive.models import Article, Event, Language, Topic


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_native", "article_count"]
    search_fields = ["code", "name_en", "name_native"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(article_count=Count("articles"))
        return queryset.order_by("name_en")

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, language):
        return language.article_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(article_count=Count("articles"))
        return queryset.order_by("name")

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, topic):
        return topic.article_count


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "date_precision", "place"]
    list_filter = ["date_precision"]
    search_fields = ["name", "slug", "place", "description"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "published_display", "source_name", "updated_at"]
    list_filter = ["language", "date_precision", "topics", "events"]
    list_select_related = ["language"]
    search_fields = ["title", "body", "source_name", "source_path"]
    autocomplete_fields = ["topics", "events"]
    # A source URL typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    date_hierarchy = "published"
    readonly_fields = ["source_path", "content_hash", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "language", ("published", "date_precision")]}),
        ("Tags", {"fields": ["topics", "events"]}),
        ("Text", {"fields": ["body"]}),
        ("Source", {"fields": ["source_name", "source_url", "source_path", "content_hash"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="published", ordering="published")
    def published_display(self, article):
        return article.published_display
