"""The reader's filters (archive.filters): what each parameter accepts, and what the search
is told of them. The page and the API read them alike (tests/test_views.py, test_api.py)."""

import pytest
from django.http import QueryDict

from archive.filters import ArticleFilter
from archive.models import Article

pytestmark = pytest.mark.django_db


def filterset(query, queryset=None):
    return ArticleFilter(
        QueryDict(query), queryset=Article.objects.all() if queryset is None else queryset
    )


@pytest.mark.parametrize(
    ("query", "parameter", "code"),
    [
        ("source=Le%00Monde", "source", "U+0000"),
        ("language=fr&language=en%1B", "language", "U+001B"),
        ("topic=%7F&source=Le+Monde", "topic", "U+007F"),
        ("date_from=2025-01-01%0C", "date_from", "U+000C"),
        ("sort=newest%00", "sort", "U+0000"),
        ("page=2%00", "page", "U+0000"),
    ],
)
def test_a_control_character_refuses_its_parameter_and_only_that_one(query, parameter, code):
    form = filterset(query).form
    assert not form.is_valid()
    assert form.errors == {parameter: [f"Control characters are not allowed ({code})."]}


def test_the_query_keeps_its_control_characters_for_the_search_to_leave_out():
    form = filterset("q=kua%00la%1B").form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["q"] == "kua\x00la\x1b"


@pytest.mark.parametrize(
    ("query", "sort"),
    [("", "newest"), ("q=tarifs", "relevance"), ("q=+++", "newest"), ("q=x&sort=oldest", "oldest")],
)
def test_the_order_is_best_match_first_for_a_search_and_newest_first_otherwise(query, sort):
    form = filterset(query).form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sort"] == sort


def test_an_end_date_before_the_start_date_is_the_end_date_s_error():
    form = filterset("date_from=2025-10-01&date_to=2025-01-01").form
    assert not form.is_valid()
    assert list(form.errors) == ["date_to"]


def test_every_source_asked_for_is_kept_and_blanks_are_left_out():
    form = filterset("source=Le+Monde&source=+&source=+AFP+").form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["source"] == ["Le Monde", "AFP"]


def test_the_filters_applied_are_those_that_validated(tagged):
    fr = tagged["call"].language
    filters = filterset("language=fr&topic=trade&topic=nope&source=Le+Monde")
    assert not filters.form.is_valid()  # validates: `applied` reads what validated
    applied = filters.applied()
    assert applied.languages == frozenset([fr.pk])
    assert applied.topics == frozenset()  # "nope" is not a topic: the parameter is refused
    assert applied.sources == frozenset(["Le Monde"])
    assert (applied.date_from, applied.date_to) == (None, None)


def test_the_search_is_told_the_filters_only_when_they_alone_made_the_queryset(tagged):
    query = "q=rare&language=fr&source=Le+Monde"
    search = filterset(query).search()
    narrowed = filterset(query, Article.objects.filter(title__startswith="L")).search()
    assert search.filtered is not None
    assert narrowed.filtered is None
    assert [a.title for a in search.articles] == ["L'appel Trump-Xi"]
    assert [a.title for a in narrowed.articles] == ["L'appel Trump-Xi"]
