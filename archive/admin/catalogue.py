"""The catalogue editors keep: languages, topics with their keywords, events with their
aliases, and the search thesaurus's concepts with their labels."""

from django.contrib import admin
from django.db.models import Count

from archive.admin.history import HistoryAdmin
from archive.models import (
    Concept,
    ConceptLabel,
    Event,
    EventAlias,
    Language,
    Topic,
    TopicKeyword,
)


class CountedArticlesMixin:
    ordering_field = "pk"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(article_count=Count("articles"))
        # Grouping drops the model's default ordering; pagination needs a stable one.
        return queryset.order_by(self.ordering_field)

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Language)
class LanguageAdmin(CountedArticlesMixin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_native", "article_count"]
    search_fields = ["code", "name_en", "name_native"]
    ordering_field = "name_en"


class TopicKeywordInline(admin.TabularInline):
    model = TopicKeyword
    extra = 1
    fields = ["language", "text"]


@admin.register(Topic)
class TopicAdmin(CountedArticlesMixin, HistoryAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TopicKeywordInline]
    ordering_field = "name"


class EventAliasInline(admin.TabularInline):
    model = EventAlias
    extra = 1
    fields = ["language", "text"]


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["name", "start_date", "end_date", "date_precision", "place"]
    list_filter = ["date_precision"]
    search_fields = ["name", "slug", "place", "description", "aliases__text"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [EventAliasInline]


class ConceptLabelInline(admin.TabularInline):
    model = ConceptLabel
    extra = 1
    fields = ["language", "text"]


@admin.register(Concept)
class ConceptAdmin(HistoryAdmin):
    """The search thesaurus: a search for one label also finds the others."""

    list_display = ["name", "kind", "labels_display"]
    list_filter = ["kind"]
    search_fields = ["name", "labels__text"]
    inlines = [ConceptLabelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("labels")

    @admin.display(description="labels")
    def labels_display(self, concept):
        return ", ".join(label.text for label in concept.labels.all())
