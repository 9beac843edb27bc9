"""Articles as editors work on them: the list with what needs attention, the form, and the
loader's suggested tags."""

from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.admin.history import HistoryAdmin
from archive.admin.suggestions import decide_buttons, tag_display
from archive.models import Article, TagSuggestion


class SuggestionInline(admin.TabularInline):
    """Each suggested tag with the words that triggered it, confirmed or rejected in a click
    (archive.admin.suggestions). Deleting one here would not stop the next load suggesting
    it again, so only Reject takes one away."""

    model = TagSuggestion
    extra = 0
    can_delete = False
    fields = ["suggested_tag", "words", "decide"]
    readonly_fields = fields
    verbose_name = "suggested tag"
    verbose_name_plural = "suggested tags"

    class Media:
        css = {"all": ["css/admin-suggestions.css"]}

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic", "event")

    @admin.display(description="tag")
    def suggested_tag(self, suggestion):
        return tag_display(suggestion)

    @admin.display(description="words that triggered it")
    def words(self, suggestion):
        return ", ".join(suggestion.matched_words)

    @admin.display(description="decide")
    def decide(self, suggestion):
        if suggestion.pk is None:
            return ""
        next_url = reverse("admin:archive_article_change", args=[suggestion.article_id])
        return decide_buttons(suggestion, next_url=next_url)


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("derived-title", "Title derived from the text"),
            ("near-duplicate", "Near duplicate of another article"),
            ("suggestions", "Has suggested tags"),
            ("approximate-date", "Date inferred, not printed"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "derived-title":
                return queryset.filter(title_is_derived=True)
            case "near-duplicate":
                return queryset.filter(near_duplicate_of__isnull=False)
            case "suggestions":
                return queryset.filter(suggestions__isnull=False).distinct()
            case "approximate-date":
                return queryset.filter(date_approximate=True)
        return queryset


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    list_display = [
        "title",
        "language",
        "published_display",
        "source_name",
        "title_is_derived",
        "near_duplicate_of",
        "updated_at",
    ]
    list_filter = [NeedsAttentionFilter, "language", "date_precision", "topics", "events"]
    list_select_related = ["language", "near_duplicate_of"]
    search_fields = ["title", "title_en", "standfirst", "source_name", "source_path"]
    autocomplete_fields = ["topics", "events", "translation_of", "near_duplicate_of"]
    date_hierarchy = "published"
    actions = ["confirm_suggestions"]
    inlines = [SuggestionInline]
    readonly_fields = [
        "text_preview",
        "source_path",
        "content_hash",
        "edited_fields",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": [("title", "title_is_derived"), "title_en", "language"]}),
        ("Date", {"fields": [("published", "date_precision", "date_approximate")]}),
        ("Tags", {"fields": ["topics", "events"]}),
        ("Text", {"fields": ["standfirst", "text_preview", "blocks"]}),
        ("Relations", {"fields": ["translation_of", "near_duplicate_of"]}),
        (
            "Source",
            {"fields": ["source_name", "source_url", "source_path", "content_hash"]},
        ),
        ("History", {"fields": ["edited_fields", "created_at", "updated_at"]}),
    ]
    # A source URL typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="published", ordering="published")
    def published_display(self, article):
        return article.published_display

    @admin.display(description="text as readers see it")
    def text_preview(self, article):
        return format_html_join(
            "",
            '<p style="margin:0 0 .4em"><small>{}</small> {}</p>',
            ((block.get("kind", "?"), block.get("text", "")) for block in article.blocks),
        ) or format_html("<em>{}</em>", "no text")

    @admin.action(description="Confirm the suggested tags of the selected articles")
    def confirm_suggestions(self, request, queryset):
        suggestions = TagSuggestion.objects.filter(article__in=queryset).select_related("article")
        confirmed = 0
        for suggestion in suggestions:
            suggestion.confirm()
            confirmed += 1
        self.message_user(request, f"{confirmed} suggested tags confirmed.", messages.SUCCESS)
