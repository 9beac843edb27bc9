import django_filters
from django import forms

from archive.models import Article, Event, Language, Topic
from archive.search.engine import Filters


class ArticleFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date, so it is ignored.")
        return cleaned


class TextsField(forms.Field):
    """Any number of values of one parameter (?source=A&source=B), blanks left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [text.strip() for text in values if isinstance(text, str) and text.strip()]


class SourceFilter(django_filters.Filter):
    field_class = TextsField


class ArticleFilter(django_filters.FilterSet):
    """The reader's filters. `q` and `sort` are applied by `search()`, after the others."""

    q = django_filters.CharFilter(label="Search", method="after_filters")
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
    topic = django_filters.ModelMultipleChoiceFilter(
        field_name="topics__slug",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        label="Topic",
        distinct=True,
    )
    event = django_filters.ModelMultipleChoiceFilter(
        field_name="events__slug",
        queryset=Event.objects.all(),
        to_field_name="slug",
        label="Event",
        distinct=True,
    )
    date_from = django_filters.DateFilter(
        label="From", method="filter_published", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="To", method="filter_published", widget=forms.DateInput(attrs={"type": "date"})
    )
    source = SourceFilter(field_name="source_name", lookup_expr="in", label="Source")

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
        fields = ["q", "sort", "language", "topic", "event", "date_from", "date_to", "source"]

    def after_filters(self, queryset, name, value):
        return queryset

    def search(self):
        """The filtered articles searched for `q`, in the order asked: an engine.Search."""
        queryset = self.qs  # validates the form: invalid values are left out of cleaned_data
        cleaned = self.form.cleaned_data
        return queryset.search(
            cleaned.get("q") or "",
            # ?expand=0 turns the thesaurus off, from the link shown with the expansions.
            across_languages=self.data.get("expand") != "0",
            sort=cleaned.get("sort") or None,
            # The search may apply them to its matches itself (engine.Filters), when
            # nothing else narrowed the articles.
            filters=None if self.queryset.query.where else self.applied(),
        )

    def applied(self):
        """The filters this filterset applies (after validation), as an engine.Filters."""
        cleaned = self.form.cleaned_data

        def pks(name):
            return frozenset(item.pk for item in cleaned.get(name) or ())

        return Filters(
            languages=pks("language"),
            topics=pks("topic"),
            events=pks("event"),
            sources=frozenset(cleaned.get("source") or ()),
            date_from=cleaned.get("date_from"),
            date_to=cleaned.get("date_to"),
        )

    def filter_published(self, queryset, name, value):
        return queryset.published_between(**{name: value})
