import datetime
import re

import pytest
from django.utils.html import escape

from archive.models import Article
from archive.text import control_character
from tests.cases import CONTROL_CHARACTER_CASES, LIST_CASES, QUERY_CONTROL_CHARACTER_CASES
from tests.factories import ArticleFactory, LanguageFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [article.title for article in response.context["page"].object_list]


def test_home_and_list_show_the_seeds_newest_first(client, seeds):
    for url in ["/", "/articles/"]:
        response = client.get(url)
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


def test_detail_shows_the_article_with_its_parts_and_translation(client, seeds):
    article = seeds["004"]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>L&#x27;appel Trump-Xi renforce" in page
    assert '<p class="title-en" lang="en">Trump–Xi call boosts' in page
    assert 'lang="fr"' in page
    assert "<p>Le 5 juin, le président américain Donald Trump" in page
    assert "About June 2025" in page
    vietnamese = seeds["004-vi"]
    assert f'href="{vietnamese.get_absolute_url()}" hreflang="vi"' in page


def test_detail_renders_subheadings_standfirst_and_captions(client, seeds):
    page = client.get(seeds["003"].get_absolute_url()).content.decode()
    article = page.split("<article", 1)[1]
    # Its standfirst is its (derived) title, shown once.
    assert "<h1>The American Secretary of State intends in particular" in article
    assert article.count("The American Secretary of State intends") == 1
    assert "<h2>Passage through Shanghai</h2>" in page
    page = client.get(seeds["001"].get_absolute_url()).content.decode()
    assert page.count('<p class="caption">') == 2
    assert "<h2>Autoritair monsterverbond</h2>" in page


def test_detail_shows_date_precision_and_tags(client, tagged):
    page = client.get(tagged["call"].get_absolute_url()).content.decode()
    assert "June 2025" in page
    assert 'href="/articles/?topic=trade"' in page
    assert 'href="/articles/?event=trump-xi-call-2025"' in page


@pytest.mark.parametrize("suffix", ["", "wrong-slug/", "%00/", "a%1Bb/"])
def test_an_outdated_or_missing_slug_redirects_to_the_canonical_url(client, tagged, suffix):
    article = tagged["talks"]
    response = client.get(f"/articles/{article.pk}/{suffix}")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize(
    "url",
    [
        "/articles/999999/x/",
        "/articles/99999999999999999999999999/x/",
        "/articles/abc/",
        "/articles/%00/",
        "/articles/1%1B/x/",
        "/nope/",
        "/nope%00/",
    ],
)
def test_unknown_articles_are_a_clean_404(client, tagged, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


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
    facets = page.split('<section class="facets"')[1].split("</section>")[0]
    links = {
        "language=fr": ["L'appel Trump-Xi"],
        "topic=taiwan": ["Blinken visit"],
        "event=trump-xi-call-2025": ["L'appel Trump-Xi"],
        "date_from=2024-01-01&amp;date_to=2024-12-31": ["Blinken visit"],
    }
    for link, expected in links.items():
        assert f'href="?q=&amp;{link}"' in facets
        assert titles(client.get("/articles/?" + link.replace("&amp;", "&"))) == expected
    assert re.search(r'language=en">English</a>\s*<span class="count">2</span>', facets)
    assert re.search(r'2024-12-31">2024</a>\s*<span class="count">1</span>', facets)


def test_the_order_can_be_chosen(client, tagged):
    page = client.get("/articles/?sort=oldest").content.decode()
    assert '<select name="sort"' in page
    assert '<option value="oldest" selected>' in page
    assert '<option value="relevance">' in page
    response = client.get("/articles/?sort=oldest")
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
