import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from archive.models import Article
from archive.text import control_character
from tests.cases import CONTROL_CHARACTER_CASES, LIST_CASES, QUERY_CONTROL_CHARACTER_CASES
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [article.title for article in response.context["page"].object_list]


def test_the_list_shows_the_seeds_newest_first(client, seeds):
    response = client.get("/articles/")
    assert response.status_code == 200
    assert len(titles(response)) == 6
    assert "6 articles" in response.content.decode()
    for article in seeds.values():
        assert escape(article.title) in response.content.decode()


def test_list_is_newest_first(client, tagged):
    assert titles(client.get("/articles/")) == [
        "Kuala Lumpur talks",
        "L'appel Trump-Xi",
        "Blinken visit",
    ]


@pytest.mark.parametrize(("query", "expected"), LIST_CASES)
def test_each_filter_narrows_the_list(client, tagged, query, expected):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("language=xx", "Select a valid choice"),
        ("topic=no-such-topic", "Select a valid choice"),
        ("topic=a&topic=b&topic=" + "c" * 500, "Select a valid choice"),
        ("date_from=yesterday", "Enter a valid date"),
        ("date_from=2025-02-30", "Enter a valid date"),
        ("date_to=99999-01-01", "Enter a valid date"),
        ("date_from=2025-10-01&date_to=2025-01-01", "end date is before the start date"),
        *[(query, message) for query, _, message in CONTROL_CHARACTER_CASES],
    ],
)
def test_a_bad_filter_value_is_explained_and_ignored(client, tagged, query, message):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "not understood and are ignored" in page
    assert message in page
    assert control_character(page) is None  # not echoed into the form


@pytest.mark.parametrize(("query", "expected", "notes"), QUERY_CONTROL_CHARACTER_CASES)
def test_control_characters_in_the_query_are_left_out_with_a_note(
    client, tagged, query, expected, notes
):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "not understood" not in page
    assert titles(response) == expected
    assert re.findall(r'<p class="note" role="status">([^<]*)</p>', page) == notes
    assert control_character(page) is None  # the search box shows the query as searched


def test_a_bad_filter_leaves_the_good_ones_working(client, tagged):
    response = client.get("/articles/?language=fr&language=zz&topic=trade&q=")
    assert response.status_code == 200
    assert "zz is not one of the available choices" in response.content.decode()
    assert titles(response) == ["Kuala Lumpur talks", "L'appel Trump-Xi"]
    response = client.get("/articles/?language=fr&source=Le%00Monde&topic=trade&page=1%1B")
    page = response.content.decode()
    assert "Source: Control characters are not allowed (U+0000)." in page
    assert "Page: Control characters are not allowed (U+001B)." in page
    assert titles(response) == ["L'appel Trump-Xi"]


@pytest.mark.parametrize(
    ("page", "shown"), [("2", 2), ("abc", 1), ("0", 3), ("-1", 3), ("999", 3), ("9" * 40, 3)]
)
def test_any_page_number_gives_a_page_and_a_bad_one_is_named(client, settings, page, shown):
    settings.ARCHIVE_PAGE_SIZE = 2
    ArticleFactory.create_batch(5)
    response = client.get(f"/articles/?page={page}")
    assert response.status_code == 200
    assert response.context["page"].number == shown
    note = f"There is no page “{page[:20]}”: pages go from 1 to 3. This is page {shown}."
    assert (note in response.content.decode()) is (page != str(shown))


def test_pagination_links_keep_the_filters(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 1
    ArticleFactory.create_batch(3, language=LanguageFactory(code="nl"))
    page = client.get("/articles/?language=nl&page=2").content.decode()
    assert 'href="?language=nl&amp;page=1"' in page
    assert 'href="?language=nl&amp;page=3"' in page


def test_static_files_are_served_by_whitenoise(client):
    page = client.get("/articles/").content.decode()
    css_url = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert css_url.startswith("/static/css/site.")
    assert css_url != "/static/css/site.css"
    response = client.get(css_url)
    assert response.status_code == 200
    assert b"font-family" in b"".join(response.streaming_content)


def test_no_page_loads_anything_from_another_site(client, seeds):
    for url in ["/articles/", Article.objects.first().get_absolute_url(), "/admin/login/"]:
        page = client.get(url).content.decode()
        assert "https://" not in page.replace('href="https://', "")  # only outbound links
        assert 'src="http' not in page


def test_the_page_says_which_other_names_were_searched_and_links_to_searching_without(
    client, seeds
):
    page = client.get("/articles/?q=Putin").content.decode()
    assert "“putin” also found as" in page
    assert "“Poetin”" in page
    assert 'href="?q=Putin&amp;expand=0"' in page
    assert "1 article" in page
    page = client.get("/articles/?q=Putin&expand=0").content.decode()
    assert "also found as" not in page
    assert "0 articles" in page


def test_facets_link_to_the_list_narrowed_to_each_value(client, tagged):
    page = client.get("/articles/?q=").content.decode()
    facets = page.split('<nav class="facets"')[1].split("</nav>")[0]
    links = {
        "language=fr": ["L'appel Trump-Xi"],
        "topic=taiwan": ["Blinken visit"],
        "event=trump-xi-call-2025": ["L'appel Trump-Xi"],
        "year=2024": ["Blinken visit"],
    }
    for link, expected in links.items():
        assert f'href="?q=&amp;{link}"' in facets
        assert titles(client.get("/articles/?" + link.replace("&amp;", "&"))) == expected
    assert re.search(r'language=en">English</a>\s*<span class="count">2</span>', facets)
    assert re.search(r'year=2024">2024</a>\s*<span class="count">1</span>', facets)


def test_the_order_can_be_chosen(client, tagged):
    response = client.get("/articles/?sort=oldest")
    page = response.content.decode()
    assert '<select name="sort"' in page
    assert '<option value="oldest" selected>' in page
    assert '<option value="relevance">' in page
    assert titles(response) == ["Blinken visit", "L'appel Trump-Xi", "Kuala Lumpur talks"]


def test_a_search_shows_snippets_with_the_matches_marked(client, db):
    ArticleFactory(title="Talks", body="Soybeans <and> tariffs, again.")
    page = client.get("/articles/?q=tariff").content.decode()
    assert "Soybeans &lt;and&gt; <mark>tariffs</mark>, again." in page


def test_a_bad_order_is_named_and_ignored(client, tagged):
    response = client.get("/articles/?sort=bogus")
    assert response.status_code == 200
    page = response.content.decode()
    assert "not understood and are ignored" in page
    assert "Order: Select a valid choice. bogus is not one of the available choices." in page
    assert titles(response) == ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]


def test_the_source_filter_and_facet(client, db):
    ArticleFactory(title="Wire", source_name="Reuters", published=datetime.date(2025, 1, 2))
    ArticleFactory(title="Paper", source_name="Le Monde", published=datetime.date(2025, 1, 1))
    ArticleFactory(title="Unsourced")
    assert titles(client.get("/articles/?source=Reuters")) == ["Wire"]
    assert titles(client.get("/articles/?source=Reuters&source=Le+Monde")) == ["Wire", "Paper"]
    page = client.get("/articles/").content.decode()
    assert 'href="?source=Le+Monde">Le Monde</a>' in page
    assert "Unknown source" in page


def test_each_filter_in_force_is_shown_and_removed_by_its_own_link(client, tagged):
    page = client.get("/articles/?q=tariffs&language=en&topic=trade").content.decode()
    chips = page.split('class="active-filters"')[1].split("</div>")[0]
    assert re.findall(r'<a class="chip" href="([^"]+)"[^>]*>([^<]+)', chips) == [
        ("?q=tariffs&amp;topic=trade", "Language: English "),
        ("?q=tariffs&amp;language=en", "Topic: Trade and tariffs "),
        ("?language=en&amp;topic=trade", "Search: tariffs "),
    ]
    assert '<a href="?">Remove all</a>' in chips
    assert titles(client.get("/articles/?q=tariffs&topic=trade")) == [
        "Kuala Lumpur talks",
        "L'appel Trump-Xi",
    ]


def test_a_chosen_facet_value_is_marked_and_removes_itself(client, tagged):
    page = client.get("/articles/?language=fr").content.decode()
    facets = page.split('<nav class="facets"')[1].split("</nav>")[0]
    assert re.search(
        r'<li class="active">\s*<a href="\?" aria-current="true"><span class="visually-hidden">'
        r"Remove </span>French</a>\s*<span class=\"count\">1</span>",
        facets,
    )
    assert "English" not in facets  # only what the French matches hold


def test_the_results_have_a_chart_per_month_with_its_table(client, tagged):
    page = client.get("/articles/").content.decode()
    chart = page.split('<figure class="chart">')[1].split("</figure>")[0]
    assert re.search(
        r'<svg viewBox="0 0 720 120" role="img" aria-label="3 articles by month, '
        r'from April 2024 to October 2025; the most in April 2024 \(1\)\."',
        chart,
    )
    assert chart.count('class="chart-bar"') == 3
    rows = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th><td>(\d+)</td>', chart)
    assert rows == [
        ("?date_from=2024-04-01&amp;date_to=2024-04-30", "April 2024", "1"),
        ("?date_from=2025-06-01&amp;date_to=2025-06-30", "June 2025", "1"),
        ("?date_from=2025-10-01&amp;date_to=2025-10-31", "October 2025", "1"),
    ]
    assert titles(client.get("/articles/?date_from=2025-06-01&date_to=2025-06-30")) == [
        "L'appel Trump-Xi"
    ]
    # The chart follows the search.
    page = client.get("/articles/?q=tariffs").content.decode()
    assert "from June 2025 to October 2025" in page


def test_no_results_shows_the_query_as_understood_and_what_to_drop(client, tagged):
    page = client.get("/articles/?q=Tarifs+%C3%89CHANGES&language=fr&topic=taiwan").content.decode()
    assert "No articles match" in page
    assert '<strong class="understood">tarifs, echanges</strong>' in page
    suggestions = re.findall(r'<li><a href="([^"]+)">Without “([^”]+)”</a> — (\d+) article', page)
    assert suggestions == []  # nothing shows without any one of them: only "browse"
    page = client.get("/articles/?q=tarifs&topic=taiwan").content.decode()
    suggestions = re.findall(r'<li><a href="([^"]+)">Without “([^”]+)”</a> — (\d+) article', page)
    assert (
        suggestions
        == [
            ("?topic=taiwan", "Search: tarifs", "1"),
            ("?q=tarifs", "Topic: Taiwan", "1"),
        ][::-1]
    )
    page = client.get("/articles/?q=Putin&expand=0").content.decode()
    assert "search for their names in other languages too" in page
    assert "chart-svg" not in page
    assert "to take away" not in page


def test_a_topic_page_is_the_results_page_with_its_topic(client, tagged):
    response = client.get("/topics/trade/")
    page = response.content.decode()
    assert titles(response) == ["Kuala Lumpur talks", "L'appel Trump-Xi"]
    assert '<h1 id="results-heading">Trade and tariffs</h1>' in page
    assert '<form method="get" action="/topics/trade/" class="search-form"' in page
    assert "active-filters" not in page  # the page's own topic is its heading
    assert 'href="/articles/export.csv?topic=trade"' in page
    assert 'href="/topics/trade/feed.atom"' in page
    # Narrowed further, and searched, on the same page.
    response = client.get("/topics/trade/?language=fr")
    assert titles(response) == ["L'appel Trump-Xi"]
    assert 'href="/articles/export.csv?language=fr&amp;topic=trade"' in response.content.decode()
    assert titles(client.get("/topics/trade/?q=earths")) == ["Kuala Lumpur talks"]
    assert titles(client.get("/topics/trade/?topic=taiwan")) == []  # both topics


def test_an_event_page_shows_the_event_and_its_articles(client, tagged):
    from archive.models import Event, EventAlias

    event = Event.objects.get(slug="trump-xi-call-2025")
    event.start_date, event.place, event.description = datetime.date(2025, 6, 5), "Phone", "A call."
    event.save()
    EventAlias.objects.create(
        event=event, text="appel Trump-Xi", language=LanguageFactory(code="fr")
    )
    response = client.get("/events/trump-xi-call-2025/")
    page = response.content.decode()
    assert titles(response) == ["L'appel Trump-Xi"]
    assert '<time datetime="2025-06-05">5 June 2025</time> · Phone' in page
    assert "A call." in page
    assert re.search(
        r'<span lang="fr">appel Trump-Xi</span> <span class="alias-language">\(French\)', page
    )


def test_a_language_page_lists_the_articles_in_it(client, tagged):
    response = client.get("/languages/fr/")
    assert titles(response) == ["L'appel Trump-Xi"]
    assert "Articles in French" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/topics/nope/",
        "/events/nope/",
        "/languages/xx/",
        "/topics/%00/",
        "/languages/%00/",
        "/events/x%1B/",
    ],
)
def test_an_unknown_topic_event_or_language_is_a_404(client, tagged, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "There is no page at this address." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "Year: Enter a whole number."),
        ("year=0", "Year: Ensure this value is greater than or equal to 1."),
        ("year=99999", "Year: Ensure this value is less than or equal to 9999."),
        (
            "translated=maybe",
            "Translation: Select a valid choice. maybe is not one of the available choices.",
        ),
    ],
)
def test_a_bad_year_or_translation_is_named_and_ignored(client, tagged, query, message):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(titles(response)) == 3


@pytest.mark.parametrize(
    "path",
    [
        "/articles/",
        "/articles/?q=tariffs&topic=trade",
        "/topics/trade/",
        "/events/trump-xi-call-2025/",
        "/languages/en/",
    ],
)
def test_a_results_page_makes_as_many_queries_for_many_articles_as_for_few(
    client, tagged, path, django_assert_max_num_queries
):
    from archive.models import Event, Topic

    def queries():
        client.get(path)  # the columns in memory are built once per data version
        with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as made:
            client.get(path)
        return len(made)

    few = queries()
    ArticleFactory.create_batch(
        30,
        body="Tariffs again.",
        topics=[Topic.objects.get(slug="trade")],
        events=[Event.objects.get(slug="trump-xi-call-2025")],
        language=LanguageFactory(code="en"),
    )
    assert queries() == few


def test_a_language_page_keeps_to_its_language(client, tagged):
    response = client.get("/languages/fr/?language=en")
    assert titles(response) == ["L'appel Trump-Xi"]


def test_a_facet_with_many_values_folds_those_after_the_eighth(client, db):
    for n in range(10):
        ArticleFactory(source_name=f"Source {n:02d}")
    page = client.get("/articles/").content.decode()
    facets = page.split('<nav class="facets"')[1].split("</nav>")[0]
    folded = facets.split("<summary>2 more</summary>")[1]
    assert re.findall(r">(Source \d\d)</a>", folded) == ["Source 08", "Source 09"]


def test_at_most_six_filters_are_tried_when_nothing_matches(client, tagged, monkeypatch):
    from archive import listing

    tried = []
    real = listing.suggestions

    def spy(chips, *, count_without):
        tried.extend(chip.label for chip in chips)
        return real(chips, count_without=count_without)

    monkeypatch.setattr(listing, "suggestions", spy)
    topics = [TopicFactory(slug=f"t{n}", name=f"T{n}") for n in range(8)]
    query = "&".join(f"topic={topic.slug}" for topic in topics)
    page = client.get(f"/articles/?q=tariffs&{query}").content.decode()
    assert "No articles match" in page
    assert tried == [f"Topic: T{n}" for n in range(6)]


def test_many_topics_and_events_at_once_are_one_condition_each(client, db):
    tags = [TopicFactory(slug=f"t{n}") for n in range(25)] + [
        EventFactory(slug=f"e{n}") for n in range(20)
    ]
    article = ArticleFactory(title="Everything", topics=tags[:25], events=tags[25:])
    ArticleFactory(title="Almost", topics=tags[:24], events=tags[25:])
    query = (
        "&".join(f"topic=t{n}" for n in range(20))
        + "&topic=t24&"
        + "&".join(f"event=e{n}" for n in range(20))
    )
    response = client.get(f"/articles/?{query}")
    assert "Topic: At most 20 values at once (21 were given)." in response.content.decode()
    query = (
        "&".join(f"topic=t{n}" for n in range(5, 25))
        + "&"
        + "&".join(f"event=e{n}" for n in range(20))
    )
    assert titles(client.get(f"/articles/?{query}")) == [article.title]
