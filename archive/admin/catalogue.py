"""The catalogue editors keep: languages, topics with their keywords, events with their
aliases, and the search thesaurus's concepts with their labels."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.admin.history import HistoryAdmin
from archive.admin.lists import CheckedListMixin
from archive.events import events_merge
from archive.models import (
    Article,
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
class LanguageAdmin(CheckedListMixin, CountedArticlesMixin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_native", "article_count"]
    search_fields = ["code", "name_en", "name_native"]
    ordering_field = "name_en"


class TopicKeywordInline(admin.TabularInline):
    model = TopicKeyword
    extra = 1
    fields = ["language", "text"]


@admin.register(Topic)
class TopicAdmin(CheckedListMixin, CountedArticlesMixin, HistoryAdmin):
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
class EventAdmin(CheckedListMixin, HistoryAdmin):
    list_display = ["name", "start_date", "end_date", "date_precision", "place", "tagged_articles"]
    list_filter = ["date_precision"]
    search_fields = ["name", "slug", "place", "description", "aliases__text"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [EventAliasInline]
    readonly_fields = ["tagged_articles"]
    actions = ["merge_events"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(article_count=Count("articles"))
        # Grouping drops the model's default ordering; pagination needs a stable one.
        return queryset.order_by(*Event._meta.ordering, "pk")

    @admin.display(description="tagged articles", ordering="article_count")
    def tagged_articles(self, event):
        if event.pk is None:
            return "none yet"
        count = getattr(event, "article_count", None)
        if count is None:
            count = event.articles.count()
        articles = reverse("admin:archive_article_changelist")
        return format_html(
            # The list's own event filter, so that its sidebar shows the filter in force.
            '<a href="{}?event={}">{} article{}</a> · <a href="{}">public page</a>',
            articles,
            event.slug,
            count,
            "" if count == 1 else "s",
            reverse("event_detail", args=[event.slug]),
        )

    def has_merge_permission(self, request):
        # Merging changes one event and deletes the others.
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="Merge into one event…", permissions=["merge"])
    def merge_events(self, request, queryset):
        return event_merge_action(self, request, queryset)


class ConceptLabelInline(admin.TabularInline):
    model = ConceptLabel
    extra = 1
    fields = ["language", "text"]


@admin.register(Concept)
class ConceptAdmin(CheckedListMixin, HistoryAdmin):
    """The search thesaurus: a search for one label also finds the others."""

    list_display = ["name", "kind", "labels_display"]
    list_filter = ["kind"]
    search_fields = ["name", "labels__text"]
    inlines = [ConceptLabelInline]
    readonly_fields = ["search_preview"]

    @admin.display(description="a search for it finds")
    def search_preview(self, concept):
        return concept_search_preview(concept)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("labels")

    @admin.display(description="labels")
    def labels_display(self, concept):
        return ", ".join(label.text for label in concept.labels.all())


PREVIEW_TITLES = 5


def concept_search_preview(concept):
    """What a reader's search for the concept finds now, with the thesaurus: the count and
    the first headlines, for its English label (or its first, or its name)."""
    if concept.pk is None:
        return "Save the concept to see what a search for it finds."
    labels = list(concept.labels.select_related("language"))
    english = [label for label in labels if label.language and label.language.code == "en"]
    typed = (english or labels or [concept])[0]
    typed = getattr(typed, "text", None) or concept.name
    search = Article.objects.search(typed)
    count = search.count()
    titles = format_html_join(
        "",
        '<li><a href="{}">{}</a></li>',
        (
            (reverse("admin:archive_article_change", args=[article.pk]), article.title)
            for article in search.results[:PREVIEW_TITLES]
        ),
    )
    also = [word for expansion in search.expansions for word in expansion.also]
    return format_html(
        "A search for “{}”{} finds {} article{}.<ul>{}</ul>",
        typed,
        format_html(" (also {})", ", ".join(also)) if also else "",
        count,
        "" if count == 1 else "s",
        titles,
    )


def event_merge_action(model_admin, request, queryset):
    """The intermediate page of "Merge into one event…": the editor picks the event to keep;
    the others' tags, aliases, suggestions and rejections move to it, then they go."""
    events = list(queryset.order_by(*Event._meta.ordering, "pk"))
    if len(events) < 2:
        model_admin.message_user(
            request, "Select two events or more to merge them.", messages.WARNING
        )
        return None
    chosen = request.POST.get("keep")
    keep = next((event for event in events if str(event.pk) == chosen), None)
    if request.POST.get("merge") and keep is not None:
        merged = [event for event in events if event.pk != keep.pk]
        names = ", ".join(f"“{event}”" for event in merged)
        events_merge(keep=keep, merged=merged)
        model_admin.message_user(
            request,
            f"{len(merged)} event{'' if len(merged) == 1 else 's'} ({names}) merged into “{keep}”.",
            messages.SUCCESS,
        )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Merge into one event",
        "opts": model_admin.model._meta,
        "events": events,
        "keep": keep or max(events, key=lambda event: event.article_count),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "missing_choice": bool(request.POST.get("merge")),
    }
    return render(request, "admin/archive/event/merge_events.html", context)
