"""Articles as editors work on them: the list with what needs attention, the form, and the
loader's suggested tags."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.admin.blocks import BlocksField
from archive.admin.history import HistoryAdmin
from archive.admin.lists import CheckedListMixin
from archive.admin.suggestions import decide_buttons, tag_display
from archive.editing import articles_tag, articles_untag
from archive.models import Article, Event, Language, TagSuggestion, Topic
from archive.suggestions import suggestions_confirm


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


def pending_suggestions():
    """The suggested tags still waiting for an editor."""
    return TagSuggestion.objects.all()


def _tagged_with(through, **lookup):
    """The ids of the articles with a tag matching `lookup`, as a subquery: filtering
    through the through table keeps each article once, where a join would repeat it."""
    return through.objects.filter(**lookup).values("article_id")


class ChoiceFilter(admin.SimpleListFilter):
    """A filter whose lookups are fixed: (value, label, Q of the articles it keeps)."""

    options = []

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _ in self.options]

    def queryset(self, request, queryset):
        for value, _, keeps in self.options:
            if self.value() == value:
                return queryset.filter(keeps())
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    title = "language"
    parameter_name = "language"

    def lookups(self, request, model_admin):
        used = Language.objects.filter(pk__in=Article.objects.values("language"))
        return [(language.code, language.name_en) for language in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(language__code=self.value())
        return queryset


class TagFilter(admin.SimpleListFilter):
    """The articles tagged with one topic or event, named by its slug."""

    model = None
    through = None  # the relation's through model

    def lookups(self, request, model_admin):
        return [(tag.slug, tag.name) for tag in self.model.objects.only("slug", "name")]

    def queryset(self, request, queryset):
        if self.value():
            column = f"{self.parameter_name}__slug"
            return queryset.filter(pk__in=_tagged_with(self.through, **{column: self.value()}))
        return queryset


class TopicFilter(TagFilter):
    title = "topic"
    parameter_name = "topic"
    model = Topic
    through = Article.topics.through


class EventFilter(TagFilter):
    title = "event"
    parameter_name = "event"
    model = Event
    through = Article.events.through


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Article.objects.order_by().dates("published", "year", order="DESC")
        return [*((str(day.year), str(day.year)) for day in years), ("none", "No date")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(published__isnull=True)
        if value and value.isdigit() and 1 <= int(value) < 9999:
            # A range rather than __year, so that the date index is read.
            year = int(value)
            return queryset.filter(
                published__gte=datetime.date(year, 1, 1),
                published__lt=datetime.date(year + 1, 1, 1),
            )
        return queryset


class TranslatedFilter(admin.SimpleListFilter):
    title = "has a translation"
    parameter_name = "translated"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.translated(self.value() == "yes")
        return queryset


class UntaggedFilter(ChoiceFilter):
    title = "tags"
    parameter_name = "tags"
    options = [
        (
            "untagged",
            "No topic and no event",
            lambda: (
                ~Q(pk__in=_tagged_with(Article.topics.through))
                & ~Q(pk__in=_tagged_with(Article.events.through))
            ),
        ),
        ("no-topic", "No topic", lambda: ~Q(pk__in=_tagged_with(Article.topics.through))),
        ("no-event", "No event", lambda: ~Q(pk__in=_tagged_with(Article.events.through))),
    ]


class PendingSuggestionsFilter(ChoiceFilter):
    title = "pending suggestions"
    parameter_name = "pending"
    options = [
        ("yes", "Yes", lambda: Q(pk__in=pending_suggestions().values("article_id"))),
        ("no", "No", lambda: ~Q(pk__in=pending_suggestions().values("article_id"))),
    ]


class DerivedTitleFilter(ChoiceFilter):
    title = "headline"
    parameter_name = "headline"
    options = [
        ("derived", "Derived from the text", lambda: Q(title_is_derived=True)),
        ("printed", "As printed", lambda: Q(title_is_derived=False)),
    ]


class NearDuplicateFilter(ChoiceFilter):
    title = "near duplicate"
    parameter_name = "near_duplicate"
    options = [
        ("yes", "Of another article", lambda: Q(near_duplicate_of__isnull=False)),
        (
            "original",
            "Has near duplicates",
            lambda: Q(
                pk__in=Article.objects.filter(near_duplicate_of__isnull=False).values(
                    "near_duplicate_of"
                )
            ),
        ),
        ("no", "No", lambda: Q(near_duplicate_of__isnull=True)),
    ]


class ArticleForm(forms.ModelForm):
    blocks = BlocksField(
        label="Text",
        help_text="The text after the standfirst: paragraphs, subheadings and captions.",
    )

    class Meta:
        model = Article
        # The admin names the fields from its fieldsets.
        fields = ["blocks"]


class BulkTagForm(forms.Form):
    """The event or topic to add to, or take from, the selected articles."""

    def __init__(self, *args, kind, remove, articles, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        relation = Article.events if kind == "event" else Article.topics
        model = relation.field.related_model
        if remove:
            # Only the tags the selected articles have: a short list to choose from.
            queryset = model.objects.filter(
                pk__in=relation.through.objects.filter(
                    article_id__in=articles.order_by().values("pk")
                ).values(f"{kind}_id")
            )
            widget = forms.Select
        else:
            queryset = model.objects.all()
            widget = AutocompleteSelect(relation.field, admin_site)
        self.fields[kind] = forms.ModelChoiceField(
            queryset, label=model._meta.verbose_name.capitalize(), widget=widget
        )


def _one_a_line(tags):
    items = format_html_join("", "<li>{}</li>", ((tag.name,) for tag in tags))
    return format_html('<ul class="tag-list">{}</ul>', items) if items else ""


def _articles(count):
    return f"{count} article" if count == 1 else f"{count} articles"


@admin.register(Article)
class ArticleAdmin(CheckedListMixin, HistoryAdmin):
    form = ArticleForm
    list_display = [
        "title",
        "published_display",
        "language",
        "pending_count",
        "topics_display",
        "events_display",
    ]
    list_filter = [
        NeedsAttentionFilter,
        LanguageFilter,
        TopicFilter,
        EventFilter,
        YearFilter,
        TranslatedFilter,
        UntaggedFilter,
        PendingSuggestionsFilter,
        DerivedTitleFilter,
        NearDuplicateFilter,
        "date_precision",
    ]
    list_select_related = ["language"]
    # The list's search box runs the archive's own search (get_search_results); these serve
    # the autocomplete of an original or a near duplicate, which matches as letters are typed.
    search_fields = ["title", "title_en", "source_path"]
    search_help_text = (
        "Searches as the public site does: words, “phrases”, OR, -exclusions, prefix*; "
        "a name also finds its other languages (Putin finds Poetin). Also matches the "
        "source file and name."
    )
    autocomplete_fields = ["topics", "events", "translation_of", "near_duplicate_of"]
    date_hierarchy = "published"
    actions = ["confirm_suggestions", "tag_with_event", "add_topic", "remove_event", "remove_topic"]
    inlines = [SuggestionInline]
    readonly_fields = [
        "public_page",
        "source_path",
        "content_hash",
        "edited_fields",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": [("title", "title_is_derived"), "title_en", "language", "public_page"]}),
        ("Date", {"fields": [("published", "date_precision", "date_approximate")]}),
        ("Tags", {"fields": ["topics", "events"]}),
        ("Text", {"fields": ["standfirst", "blocks"]}),
        ("Relations", {"fields": ["translation_of", "near_duplicate_of"]}),
        (
            "Source",
            {"fields": ["source_name", "source_url", "source_path", "content_hash"]},
        ),
        ("History", {"fields": ["edited_fields", "created_at", "updated_at"]}),
    ]
    # A source URL typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["admin/archive.css"]}

    def get_queryset(self, request):
        # Each row's tags and pending suggestions in a fixed number of queries, not per row.
        pending = (
            pending_suggestions()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(pending_count=Coalesce(Subquery(pending), 0))
            .prefetch_related(
                models.Prefetch("topics", Topic.objects.only("name")),
                models.Prefetch("events", Event.objects.only("name")),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        text = search_term.strip()
        if not text:
            return queryset, False
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # Words are not typed whole there: the archive's search would find nothing yet.
            return super().get_search_results(request, queryset, search_term)
        matches = Article.objects.search(text).articles.order_by().values("pk")
        # The index holds the text, not where it came from: file and source are matched here.
        found = Q(pk__in=matches) | Q(source_path__icontains=text) | Q(source_name__icontains=text)
        return queryset.filter(found), False

    @admin.display(description="published", ordering="published")
    def published_display(self, article):
        return article.published_display

    @admin.display(description="topics")
    def topics_display(self, article):
        return _one_a_line(article.topics.all())

    @admin.display(description="events")
    def events_display(self, article):
        return _one_a_line(article.events.all())

    @admin.display(description="pending", ordering="pending_count")
    def pending_count(self, article):
        return article.pending_count

    @admin.display(description="public page")
    def public_page(self, article):
        if not article.pk:
            return "—"
        url = article.get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    @admin.action(
        description="Confirm the suggested tags of the selected articles", permissions=["change"]
    )
    def confirm_suggestions(self, request, queryset):
        confirmed = suggestions_confirm(
            suggestions=TagSuggestion.objects.filter(article__in=queryset)
        )
        self.message_user(request, f"{confirmed} suggested tags confirmed.", messages.SUCCESS)

    @admin.action(description="Tag with an event…", permissions=["change"])
    def tag_with_event(self, request, queryset):
        return self._bulk_tag(request, queryset, kind="event", remove=False)

    @admin.action(description="Add a topic…", permissions=["change"])
    def add_topic(self, request, queryset):
        return self._bulk_tag(request, queryset, kind="topic", remove=False)

    @admin.action(description="Remove an event…", permissions=["change"])
    def remove_event(self, request, queryset):
        return self._bulk_tag(request, queryset, kind="event", remove=True)

    @admin.action(description="Remove a topic…", permissions=["change"])
    def remove_topic(self, request, queryset):
        return self._bulk_tag(request, queryset, kind="topic", remove=True)

    def _bulk_tag(self, request, queryset, *, kind, remove):
        """The page choosing the event or topic, then (posted back with "apply") the change
        and a message saying how many articles it changed."""
        articles = queryset.prefetch_related(None).order_by()
        data = request.POST if "apply" in request.POST else None
        form = BulkTagForm(
            data, kind=kind, remove=remove, articles=articles, admin_site=self.admin_site
        )
        if form.is_bound and form.is_valid():
            tag = form.cleaned_data[kind]
            selected = articles.count()
            if remove:
                changed = articles_untag(articles=articles, **{kind: tag})
                message = f"{_articles(changed)} no longer tagged with the {kind} “{tag}”"
                unchanged = f"{selected - changed} did not have it"
            else:
                changed = articles_tag(articles=articles, **{kind: tag})
                message = f"{_articles(changed)} tagged with the {kind} “{tag}”"
                unchanged = f"{selected - changed} had it already"
            if selected > changed:
                message += f" ({unchanged})"
            self.message_user(request, message + ".", messages.SUCCESS)
            return None
        verb = "Remove" if remove else ("Tag with" if kind == "event" else "Add")
        title = f"{verb} {'an event' if kind == 'event' else 'a topic'}"
        count = articles.count()
        if remove:
            submit = f"Remove from {_articles(count)}"
        else:
            submit = f"Tag {_articles(count)}" if kind == "event" else f"Add to {_articles(count)}"
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "kind": kind,
            "remove": remove,
            "count": count,
            "examples": list(articles.values_list("title", flat=True)[:10]),
            "action": request.POST.get("action", ""),
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "submit": submit,
            "cancel_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/archive/article/bulk_tag.html", context)
