"""The links around a results page: facets that add or remove a filter, active filters that
remove themselves, and only the parameters the page understands carried on."""

from django.http import QueryDict

from archive import listing
from archive.filters import ArticleFilter
from archive.models import Article


def _form(query):
    filterset = ArticleFilter(QueryDict(query), queryset=Article.objects.all())
    filterset.qs  # noqa: B018 - validates the form
    return filterset.form


def test_a_facet_value_adds_itself_and_a_chosen_one_removes_itself():
    params = QueryDict("q=tariffs&language=fr&year=2024")
    facets = {
        "language": [
            {"value": "fr", "label": "French", "count": 3},
            {"value": "en", "label": "English", "count": 2},
        ],
        "year": [
            {"value": 2025, "label": "2025", "count": 4},
            {"value": None, "label": "Undated", "count": 1},
        ],
        "source": [{"value": "", "label": "Unknown source", "count": 5}],
    }
    links = listing.facet_links(facets, params)
    french, english = links["language"]["links"]
    assert french.active
    assert french.url == "?q=tariffs&year=2024"
    assert not english.active
    assert english.url == "?q=tariffs&language=fr&language=en&year=2024"
    year, undated = links["year"]["links"]
    assert year.url == "?q=tariffs&language=fr&year=2025"  # one year at a time
    assert undated.url == ""  # nothing to filter on
    assert "source" not in links  # no value in it filters


def test_the_page_s_own_filter_is_not_a_link():
    facets = {"topic": [{"value": "trade", "label": "Trade", "count": 3}]}
    assert listing.facet_links(facets, QueryDict(""), fixed=("topic", "trade")) == {}


def test_only_the_parameters_the_page_understands_are_carried_on(db):
    query = "q=ta%00riffs&utm_source=x%00&page=3&source=Le%00Monde&language=fr"
    form = _form(query)
    params = listing.link_params(QueryDict(query), form)
    assert params.urlencode() == "q=tariffs&language=fr"


def test_each_filter_in_force_is_a_link_that_removes_it(db, tagged):
    query = "q=tariffs&language=fr&topic=trade&year=2025&translated=no&expand=0&date_to=2025-07-01"
    form = _form(query)
    chips = listing.active_filters(form, listing.link_params(QueryDict(query), form))
    assert [(chip.label, chip.url) for chip in chips] == [
        (
            "Language: French",
            "?q=tariffs&topic=trade&year=2025&translated=no&expand=0&date_to=2025-07-01",
        ),
        (
            "Topic: Trade and tariffs",
            "?q=tariffs&language=fr&year=2025&translated=no&expand=0&date_to=2025-07-01",
        ),
        (
            "Year: 2025",
            "?q=tariffs&language=fr&topic=trade&translated=no&expand=0&date_to=2025-07-01",
        ),
        (
            "Has no translation",
            "?q=tariffs&language=fr&topic=trade&year=2025&expand=0&date_to=2025-07-01",
        ),
        ("To 1 July 2025", "?q=tariffs&language=fr&topic=trade&year=2025&translated=no&expand=0"),
        (
            "Search: tariffs",
            "?language=fr&topic=trade&year=2025&translated=no&expand=0&date_to=2025-07-01",
        ),
        (
            "Words only as typed",
            "?q=tariffs&language=fr&topic=trade&year=2025&translated=no&date_to=2025-07-01",
        ),
    ]


def test_suggestions_keep_the_filters_whose_removal_shows_something():
    chips = [listing.Link("A", "?a"), listing.Link("B", "?b"), listing.Link("C", "?c")]
    counts = {"?a": 0, "?b": 2, "?c": 5}
    suggested = listing.suggestions(chips, count_without=counts.__getitem__)
    assert [(link.label, link.count) for link in suggested] == [("C", 5), ("B", 2)]


def test_values_not_valid_are_dropped_and_repeated_ones_kept_once(db, tagged):
    query = "topic=nope&topic=trade&topic=trade&language=fr&language=fr&source=+Le+Monde+&year=x"
    form = _form(query)
    params = listing.link_params(QueryDict(query), form)
    # An unknown topic makes the whole parameter not valid: named on the page, ignored.
    assert params.urlencode() == "language=fr&source=Le+Monde"
    chips = listing.active_filters(form, params)
    assert [(chip.label, chip.url) for chip in chips] == [
        ("Language: French", "?source=Le+Monde"),
        ("Source: Le Monde", "?language=fr"),
    ]


def test_a_facet_shows_its_first_values_and_folds_the_rest():
    values = [{"value": f"s{n}", "label": f"S{n}", "count": 20 - n} for n in range(11)]
    facet = listing.facet_links({"source": values}, QueryDict(""))["source"]
    assert [link.label for link in facet["links"]] == [f"S{n}" for n in range(8)]
    assert [link.label for link in facet["more"]] == ["S8", "S9", "S10"]
