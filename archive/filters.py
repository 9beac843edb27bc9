import django_filters
from django import forms

from archive.models import Article, Event, Language, Topic


class ArticleFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date, so it is ignored.")
        return cleaned


class ArticleFilter(django_filters.FilterSet):
    search_notes = ()
    search_expansions = ()

    q = django_filters.CharFilter(label="Search", method="filter_search")
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

    class Meta:
        model = Article
        form = ArticleFilterForm
        fields = ["q", "language", "topic", "event", "date_from", "date_to"]

    def filter_search(self, queryset, name, value):
        # ?expand=0 turns the thesaurus off, from the link shown with the expansions.
        across_languages = self.data.get("expand") != "0"
        search = queryset.search(value, across_languages=across_languages)
        self.search_notes, self.search_expansions = search.notes, search.expansions
        return search.articles

    def filter_published(self, queryset, name, value):
        return queryset.published_between(**{name: value})
