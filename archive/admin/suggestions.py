"""The loader's suggested tags as editors decide them: every pending suggestion in one list,
confirmed or rejected in bulk, and one suggestion at a time from its article's form; and the
rejected ones, which the loader never suggests again until a rejection is deleted."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from archive.admin.lists import CheckedListMixin
from archive.models import TagRejection, TagSuggestion
from archive.suggestions import suggestions_confirm, suggestions_reject


def may_decide(request):
    """Deciding a suggestion tags an article, or settles that it is not so tagged: it takes
    the right to change articles."""
    return request.user.has_perm("archive.change_article")


def article_link(article):
    url = reverse("admin:archive_article_change", args=[article.pk])
    return format_html('<a href="{}">{}</a>', url, article.title)


def tag_display(tagged):
    kind = "topic" if tagged.topic_id else "event"
    return format_html("{} <small>({})</small>", tagged.tag, kind)


def decide_buttons(suggestion, *, next_url):
    """Confirm and Reject for one suggestion, as buttons of the form they are shown in: the
    article's change form holds them, and HTML allows no form inside another."""
    return format_html(
        '<button type="submit" class="button" formmethod="post" formnovalidate '
        'formaction="{}" name="next" value="{}" aria-label="Confirm {}">Confirm</button> '
        '<button type="submit" class="button" formmethod="post" formnovalidate '
        'formaction="{}" name="next" value="{}" aria-label="Reject {}">Reject</button>',
        reverse("admin:archive_tagsuggestion_confirm", args=[suggestion.pk]),
        next_url,
        suggestion.tag,
        reverse("admin:archive_tagsuggestion_reject", args=[suggestion.pk]),
        next_url,
        suggestion.tag,
    )


@admin.register(TagSuggestion)
class TagSuggestionAdmin(CheckedListMixin, admin.ModelAdmin):
    list_display = ["suggested_tag", "article_title", "words", "created_at"]
    list_display_links = None
    list_filter = [
        ("event", admin.RelatedOnlyFieldListFilter),
        ("topic", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["article", "topic", "event"]
    search_fields = ["article__title", "article__title_en"]
    search_help_text = "Search the headlines of the articles."
    ordering = ["-id"]
    actions = ["confirm", "reject"]
    fields = ["article", "topic", "event", "matched_words", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # the loader suggests; editors tag the article itself

    def has_decide_permission(self, request):
        return may_decide(request)

    @admin.display(description="suggested tag")
    def suggested_tag(self, suggestion):
        return tag_display(suggestion)

    @admin.display(description="article", ordering="article__title")
    def article_title(self, suggestion):
        return article_link(suggestion.article)

    @admin.display(description="words that triggered it")
    def words(self, suggestion):
        return ", ".join(suggestion.matched_words)

    @admin.action(description="Confirm the selected suggestions", permissions=["decide"])
    def confirm(self, request, queryset):
        count = suggestions_confirm(suggestions=queryset)
        self.message_user(request, f"{count} suggested tags confirmed.", messages.SUCCESS)

    @admin.action(description="Reject the selected suggestions", permissions=["decide"])
    def reject(self, request, queryset):
        count = suggestions_reject(suggestions=queryset, user=request.user)
        self.message_user(
            request,
            f"{count} suggested tags rejected; loading their files again will not suggest "
            "them again.",
            messages.SUCCESS,
        )

    def get_urls(self):
        decide = [
            path(
                f"<int:pk>/{verb}/",
                self.admin_site.admin_view(require_POST(view)),
                name=f"archive_tagsuggestion_{verb}",
            )
            for verb, view in (("confirm", self.confirm_view), ("reject", self.reject_view))
        ]
        return decide + super().get_urls()

    def confirm_view(self, request, pk):
        return self._decide(request, pk, confirm=True)

    def reject_view(self, request, pk):
        return self._decide(request, pk, confirm=False)

    def _decide(self, request, pk, *, confirm):
        if not may_decide(request):
            raise PermissionDenied
        suggestion = (
            TagSuggestion.objects.select_related("article", "topic", "event").filter(pk=pk).first()
        )
        if suggestion is None:
            self.message_user(request, "That suggestion was decided already.", messages.WARNING)
            return redirect(self._next(request, None))
        article, tag = suggestion.article, suggestion.tag
        if confirm:
            suggestions_confirm(suggestions=[suggestion])
            message = f"“{article}” is now tagged “{tag}”."
        else:
            suggestions_reject(suggestions=[suggestion], user=request.user)
            message = (
                f"“{tag}” rejected for “{article}”: loading its file again will not suggest it."
            )
        self.message_user(request, message, messages.SUCCESS)
        return redirect(self._next(request, article))

    def _next(self, request, article):
        """Back where the editor decided: the page named in `next` if it is on this site,
        else the article's form, else the list of suggestions."""
        wanted = request.POST.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return wanted
        if article is not None:
            return reverse("admin:archive_article_change", args=[article.pk])
        return reverse("admin:archive_tagsuggestion_changelist")


@admin.register(TagRejection)
class TagRejectionAdmin(CheckedListMixin, admin.ModelAdmin):
    """Deleting a rejection lets the loader suggest the tag again on the next load."""

    list_display = ["rejected_tag", "article_title", "rejected_by", "rejected_at"]
    list_filter = [
        ("event", admin.RelatedOnlyFieldListFilter),
        ("topic", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["article", "topic", "event", "rejected_by"]
    search_fields = ["article__title"]
    fields = ["article", "topic", "event", "rejected_by", "rejected_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="rejected tag")
    def rejected_tag(self, rejection):
        return tag_display(rejection)

    @admin.display(description="article", ordering="article__title")
    def article_title(self, rejection):
        return article_link(rejection.article)
