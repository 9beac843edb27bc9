"""CSV and JSON of every article of a list: the rows, their columns and order, bad
parameters, formula cells, the queries per batch, the streaming."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from archive import exports
from archive.models import Article
from tests.cases import CONTROL_CHARACTER_CASES, LIST_CASES
from tests.factories import ArticleFactory, EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def streamed(response):
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    body = streamed(response)
    assert body.startswith("\ufeff")  # for spreadsheet apps
    return list(csv.DictReader(io.StringIO(body[1:])))


def json_document(response):
    return json.loads(streamed(response))


def test_csv_has_a_row_with_every_column_for_each_article(client, tagged):
    response = client.get("/articles/export.csv?q=tarif")
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    rows = csv_rows(response)
    call = tagged["call"]
    assert rows == [
        {
            "id": str(call.pk),
            "url": f"http://testserver{call.get_absolute_url()}",
            "title": "L'appel Trump-Xi",
            "title_en": "",
            "language": "fr",
            "published": "2025-06",
            "date_precision": "month",
            "source_name": "Le Monde",
            "source_url": "",
            "topics": "trade",
            "events": "trump-xi-call-2025",
            "translations": "",
        }
    ]


def test_json_is_one_document_with_a_header_and_every_article(client, tagged):
    response = client.get("/articles/export.json?topic=trade&page=2")
    assert response["Content-Type"] == "application/json"
    document = json_document(response)
    assert document["count"] == 2
    assert document["list"] == "http://testserver/articles/?topic=trade"
    assert document["sort"] == "newest"
    assert (document["notes"], document["expansions"]) == ([], [])
    datetime.datetime.fromisoformat(document["generated"])
    talks, call = document["articles"]
    assert talks["title"] == "Kuala Lumpur talks"
    assert call == {
        "id": tagged["call"].pk,
        "url": f"http://testserver{tagged['call'].get_absolute_url()}",
        "title": "L'appel Trump-Xi",
        "title_en": "",
        "language": "fr",
        "published": "2025-06",
        "date_precision": "month",
        "source_name": "Le Monde",
        "source_url": "",
        "topics": [{"slug": "trade", "name": "Trade and tariffs"}],
        "events": [{"slug": "trump-xi-call-2025", "name": "Trump–Xi phone call"}],
        "translations": [],
    }


def test_an_empty_list_is_a_header_line_and_an_empty_array(client, tagged):
    assert csv_rows(client.get("/articles/export.csv?q=nothingmatches")) == []
    document = json_document(client.get("/articles/export.json?q=nothingmatches"))
    assert (document["count"], document["articles"]) == (0, [])


@pytest.mark.parametrize(("query", "expected"), LIST_CASES)
def test_the_parameters_and_order_of_the_list_page(client, tagged, query, expected):
    assert [row["title"] for row in csv_rows(client.get(f"/articles/export.csv?{query}"))] == (
        expected
    )
    document = json_document(client.get(f"/articles/export.json?{query}"))
    assert [article["title"] for article in document["articles"]] == expected
    assert document["count"] == len(expected)


@pytest.mark.parametrize("query", ["", "q=tariffs", "q=tariffs&sort=newest", "sort=oldest"])
def test_every_match_not_only_the_page_in_the_order_of_the_pages(client, settings, query):
    settings.ARCHIVE_SEARCH_RANKED = 5  # past the ranked matches, the rest newest first
    for number in range(45):
        ArticleFactory(
            title=f"Tariffs {number}" if number % 3 else f"Report {number}",
            body="Tariffs again." if number % 2 else "Soybeans.",
            published=datetime.date(2020, 1, 1) + datetime.timedelta(days=number % 7)
            if number % 5
            else None,
        )
    pages, number = [], 1
    while True:  # the list as the API pages through it, 20 at a time
        body = client.get(f"/api/articles/?{query}&page={number}").json()
        pages += [article["id"] for article in body["results"]]
        if not body["next"]:
            break
        number += 1
    assert len(pages) == body["count"] > settings.ARCHIVE_PAGE_SIZE
    rows = csv_rows(client.get(f"/articles/export.csv?{query}"))
    assert [int(row["id"]) for row in rows] == pages
    document = json_document(client.get(f"/articles/export.json?{query}"))
    assert document["count"] == len(pages)
    assert [article["id"] for article in document["articles"]] == pages


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("language=xx", "language: Select a valid choice. xx is not one of the available choices."),
        ("topic=no-such-topic", "topic: Select a valid choice."),
        ("date_from=yesterday", "date_from: Enter a valid date."),
        ("date_from=2025-06-01&date_to=2025-01-01", "date_to: The end date is before the start"),
        ("sort=best", "sort: Select a valid choice. best is not one of the available choices."),
        *[
            (query, f"{parameter}: Control characters")
            for query, parameter, _ in CONTROL_CHARACTER_CASES[:3]
        ],
    ],
)
@pytest.mark.parametrize("extension", ["csv", "json"])
def test_a_parameter_that_is_not_valid_is_a_400_in_plain_text(
    client, tagged, query, message, extension
):
    response = client.get(f"/articles/export.{extension}?{query}")
    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert text.startswith("Nothing was exported: some parameters are not valid.\n")
    assert message in text


def test_the_file_says_what_it_holds(client, tagged):
    today = datetime.date.today().isoformat()
    response = client.get("/articles/export.csv?q=rare+earths&language=fr&page=3")
    assert response["Content-Disposition"] == (
        f'attachment; filename="us-china-archive-articles-rare-earths-fr-{today}.csv"'
    )
    response = client.get("/articles/export.json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="us-china-archive-articles-{today}.json"'
    )
    response = client.get("/articles/export.csv?topic=trade&year=2025&translated=no&sort=oldest")
    assert response["Content-Disposition"] == (
        f'attachment; filename="us-china-archive-articles-trade-2025-untranslated-oldest-first-'
        f'{today}.csv"'
    )
    response = client.get("/articles/export.json?q=普京")
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''us-china-archive-articles-%E6%99%AE%E4%BA%AC-{today}.json"
    )


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 tariff", "'+1 tariff"),
        ("-5% on steel", "'-5% on steel"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("Tariffs = taxes", "Tariffs = taxes"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_text(client, title, cell):
    ArticleFactory(title=title, source_name="@source", title_en="=1+1")
    (row,) = csv_rows(client.get("/articles/export.csv"))
    assert (row["title"], row["source_name"], row["title_en"]) == (cell, "'@source", "'=1+1")
    # JSON is read by programs, not spreadsheet apps: the value as it is.
    (article,) = json_document(client.get("/articles/export.json"))["articles"]
    assert article["title"] == title


def test_translations_are_the_other_language_versions(client, seeds):
    rows = {row["id"]: row for row in csv_rows(client.get("/articles/export.csv"))}
    original, translation = seeds["004"], seeds["004-vi"]
    assert rows[str(original.pk)]["translations"] == str(translation.pk)
    assert rows[str(translation.pk)]["translations"] == str(original.pk)
    assert rows[str(seeds["000"].pk)]["translations"] == ""
    assert len(rows) == Article.objects.count() == 6


def test_a_family_of_three_in_one_column(client):
    original = ArticleFactory(title="Original")
    first = ArticleFactory(title="First", translation_of=original)
    second = ArticleFactory(title="Second", translation_of=original)
    document = json_document(client.get("/articles/export.json"))
    translations = {article["title"]: article["translations"] for article in document["articles"]}
    assert translations == {
        "Original": [first.pk, second.pk],
        "First": [original.pk, second.pk],
        "Second": [original.pk, first.pk],
    }
    rows = csv_rows(client.get("/articles/export.csv?q=original"))
    assert rows[0]["translations"] == f"{first.pk}; {second.pk}"


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        streamed(client.get(url))
    return len(queries)


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_the_queries_are_a_few_per_batch_whatever_the_rows(client, monkeypatch, extension):
    monkeypatch.setattr(exports, "BATCH_SIZE", 100)
    topic, event = TopicFactory(), EventFactory()
    languages = [LanguageFactory(code=code) for code in ("en", "fr", "zh")]

    def articles(count):
        made = []
        for number in range(count):
            made.append(
                ArticleFactory(
                    language=languages[number % 3],
                    topics=[topic],
                    events=[event] if number % 2 else [],
                    translation_of=made[-1] if number % 4 == 1 else None,
                )
            )

    url = f"/articles/export.{extension}"
    articles(5)
    few = queries_of(client, url)  # one batch
    articles(295)
    many = queries_of(client, url)  # three batches
    # Each batch: the articles with their languages, topics, events, translations.
    assert many - few == 2 * 4
    assert few <= 10


def test_the_rows_are_read_as_the_response_is_streamed(client, tagged):
    response = client.get("/articles/export.csv")
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(response.streaming_content).decode()
    assert len(queries) == 4  # one batch
    assert body.count("\r\n") == 4


def test_the_take_away_links_carry_the_filters():
    html = render_to_string("includes/take_away.html", {"export_query": "q=a+b&language=fr"})
    for url, text in [
        ("/articles/export.csv?q=a+b&amp;language=fr", ">CSV</a>"),
        ("/articles/export.json?q=a+b&amp;language=fr", ">JSON</a>"),
        ("/articles/feed.atom?q=a+b&amp;language=fr", ">Atom feed</a>"),
    ]:
        assert f'href="{url}"' in html
        assert text in html
    html = render_to_string("includes/take_away.html", {})
    for url in ("/articles/export.csv", "/articles/export.json", "/articles/feed.atom"):
        assert f'href="{url}"' in html
