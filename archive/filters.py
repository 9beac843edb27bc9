import datetime

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from archive.models import Article, Event, Language, Topic
from archive.search.selector import Filters, articles_search
from archive.text import control_character, without_control_characters


class ArticleFilterForm(forms.Form):
    """Every parameter the article list reads (the page and the API alike), validated.

    A value with a control character (archive.text.CONTROL_CHARACTERS: NUL, ESC…) is
    refused, by parameter, before any field reads it: a field's own validation may query
    the database with it (a topic's slug), and PostgreSQL refuses a NUL that SQLite takes,
    so the same value would be an error on one database and a miss on the other. Only the
    fields in TAKES_ANY_TEXT keep theirs: the search leaves them out and says so in its
    notes (archive.search.query.parse), since a query is never an error. A parameter
    repeated more than MOST_VALUES times is refused the same way.
    """

    TAKES_ANY_TEXT = ("q",)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        checked = [name for name in self.fields if name not in self.TAKES_ANY_TEXT]
        self.refused = {  # {field name: why its parameter is refused}
            name: message
            for name in checked
            if self.is_bound and (message := _refusal(self.data, self.add_prefix(name)))
        }
        if self.refused:
            # The fields read a refused parameter as absent; clean() names it.
            self.data = self.data.copy()
            for name in self.refused:
                self.data.pop(self.add_prefix(name), None)

    def clean(self):
        for name, message in self.refused.items():
            self.add_error(name, message)
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date, so it is ignored.")
        return cleaned


# A parameter may repeat (?language=fr&language=nl) up to this many times: each value is a
# condition of the search, and a URL of a thousand would only slow every database down.
MOST_VALUES = 20


def _refusal(data, key):
    """Why the parameter `key` of `data` is refused, or None: more than MOST_VALUES values
    (a parameter may repeat), or any of them with a control character."""
    values = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
    values = values if isinstance(values, list | tuple) else [values]
    if len(values) > MOST_VALUES:
        return f"At most {MOST_VALUES} values at once ({len(values)} were given)."
    for value in values:
        if isinstance(value, str) and (char := control_character(value)):
            return f"Control characters are not allowed (U+{ord(char):04X})."
    return None


class QueryField(forms.CharField):
    """The search text: anything may be typed (see ArticleFilterForm)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def prepare_value(self, value):
        # The search box shows the query as it was searched for.
        return without_control_characters(value) if isinstance(value, str) else value


class QueryFilter(django_filters.CharFilter):
    field_class = QueryField


class TextsField(forms.Field):
    """Any number of values of one parameter (?source=A&source=B), blanks left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [text.strip() for text in values if isinstance(text, str) and text.strip()]


class SourceFilter(django_filters.Filter):
    field_class = TextsField


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


class YearFilter(django_filters.Filter):
    field_class = YearField


TRANSLATION_CHOICES = [("yes", "Has a translation"), ("no", "Has no translation")]


class ArticleFilter(django_filters.FilterSet):
    """The reader's filters. `q` and `sort` are applied by `search()`, after the others."""

    q = QueryFilter(
        label="Search",
        method="after_filters",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Search in any language: Putin, 普京, tarifs…"}
        ),
    )
    sort = django_filters.ChoiceFilter(
        label="Order",
        choices=[
            ("relevance", "Best match first"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
        ],
        empty_label=None,
        method="after_filters",
    )
    language = django_filters.ModelMultipleChoiceFilter(
        field_name="language__code",
        queryset=Language.objects.all(),
        to_field_name="code",
        label="Language",
        widget=forms.CheckboxSelectMultiple,
    )
    # An article has one language (any of those asked for will do) but many topics and
    # events: asking for two keeps the articles tagged with both, as a facet narrows.
    topic = django_filters.ModelMultipleChoiceFilter(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        label="Topic",
        method="filter_tagged",
    )
    event = django_filters.ModelMultipleChoiceFilter(
        queryset=Event.objects.all(),
        to_field_name="slug",
        label="Event",
        method="filter_tagged",
    )
    year = YearFilter(label="Year", method="filter_year")
    translated = django_filters.ChoiceFilter(
        label="Translation",
        choices=TRANSLATION_CHOICES,
        empty_label="Either",
        method="filter_translated",
    )
    date_from = django_filters.DateFilter(
        label="From", method="filter_published", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="To", method="filter_published", widget=forms.DateInput(attrs={"type": "date"})
    )
    source = SourceFilter(field_name="source_name", lookup_expr="in", label="Source")
    # Read by the views and `search()`, and here so that they are checked as the rest are.
    page = django_filters.CharFilter(label="Page", method="after_filters")
    expand = django_filters.CharFilter(label="Expand", method="after_filters")

    def __init__(self, data=None, *args, **kwargs):
        # The order select shows the order the list is in: best match first for a search,
        # newest first when browsing.
        if data is not None and not data.get("sort"):
            data = data.copy()
            data["sort"] = "relevance" if (data.get("q") or "").strip() else "newest"
        super().__init__(data, *args, **kwargs)

    class Meta:
        model = Article
        form = ArticleFilterForm
        fields = [
            "q",
            "sort",
            "language",
            "topic",
            "event",
            "date_from",
            "date_to",
            "source",
            "year",
            "translated",
            "page",
            "expand",
        ]

    def after_filters(self, queryset, name, value):
        return queryset

    def search(self):
        """The filtered articles searched for `q`, in the order asked: a results.Search."""
        queryset = self.qs  # validates the form: invalid values are left out of cleaned_data
        cleaned = self.form.cleaned_data
        return articles_search(
            queryset=queryset,
            text=cleaned.get("q") or "",
            # ?expand=0 turns the thesaurus off, from the link shown with the expansions.
            across_languages=cleaned.get("expand") != "0",
            sort=cleaned.get("sort") or None,
            # The search may apply them to its matches itself (selector.Filters), when
            # nothing else narrowed the articles.
            filters=None if self.queryset.query.where else self.applied(),
        )

    def applied(self):
        """The filters this filterset applies (after validation), as a selector.Filters."""
        cleaned = self.form.cleaned_data

        def pks(name):
            return frozenset(item.pk for item in cleaned.get(name) or ())

        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if year := cleaned.get("year"):
            first, last = _year_bounds(year)
            date_from, date_to = max(date_from or first, first), min(date_to or last, last)
        translated = cleaned.get("translated")
        return Filters(
            languages=pks("language"),
            topics=pks("topic"),
            events=pks("event"),
            sources=frozenset(cleaned.get("source") or ()),
            date_from=date_from,
            date_to=date_to,
            translated=None if not translated else translated == "yes",
        )

    def filter_tagged(self, queryset, name, value):
        """The articles tagged with every one of `value` (topics or events): one subquery
        each, not a join each (SQLite joins at most 64 tables)."""
        through = Article._meta.get_field(f"{name}s").remote_field.through
        for tag in value:
            tagged = through.objects.filter(**{f"{name}_id": tag.pk}).values("article_id")
            queryset = queryset.filter(pk__in=tagged)
        return queryset

    def filter_published(self, queryset, name, value):
        return queryset.published_between(**{name: value})

    def filter_year(self, queryset, name, value):
        first, last = _year_bounds(value)
        return queryset.published_between(date_from=first, date_to=last)

    def filter_translated(self, queryset, name, value):
        return queryset.translated(value == "yes")


def _year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
