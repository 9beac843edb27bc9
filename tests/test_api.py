from urllib.parse import parse_qs, urlsplit

import pytest

from tests.cases import CONTROL_CHARACTER_CASES, LIST_CASES, QUERY_CONTROL_CHARACTER_CASES

pytestmark = pytest.mark.django_db


def titles(response):
    assert response.status_code == 200, response.content
    return [article["title"] for article in response.json()["results"]]


def test_the_answer_has_the_shape_the_api_promises(client, tagged):
    body = client.get("/api/articles/?q=tarif").json()
    assert set(body) >= {"count", "next", "previous", "results", "facets", "expansions"}
    assert (body["count"], body["next"], body["previous"], body["expansions"]) == (
        1,
        None,
        None,
        [],
    )
    article = tagged["call"]
    assert body["results"] == [
        {
            "id": article.pk,
            "url": f"http://testserver{article.get_absolute_url()}",
            "title": "L'appel Trump-Xi",
            "language": "fr",
            "published": "2025-06",
            "date_precision": "month",
            "snippet": "Les <mark>tarifs</mark> &lt;et&gt; les terres rares.",
            "topics": [{"slug": "trade", "name": "Trade and tariffs"}],
            "events": [{"slug": "trump-xi-call-2025", "name": "Trump–Xi phone call"}],
            "translations": [],
        }
    ]
    assert body["facets"] == {
        "language": [{"value": "fr", "label": "French", "count": 1}],
        "topic": [{"value": "trade", "label": "Trade and tariffs", "count": 1}],
        "event": [{"value": "trump-xi-call-2025", "label": "Trump–Xi phone call", "count": 1}],
        "year": [{"value": 2025, "label": "2025", "count": 1}],
        "source": [{"value": "Le Monde", "label": "Le Monde", "count": 1}],
        "translated": [],
    }


@pytest.mark.parametrize(("query", "expected"), LIST_CASES)
def test_the_parameters_of_the_list_page(client, tagged, query, expected):
    assert titles(client.get(f"/api/articles/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("language=xx", "language", "Select a valid choice. xx is not one"),
        ("language=fr&language=xx", "language", "Select a valid choice. xx is not one"),
        ("topic=no-such-topic", "topic", "Select a valid choice"),
        ("event=no-such-event", "event", "Select a valid choice"),
        ("date_from=yesterday", "date_from", "Enter a valid date"),
        ("date_to=2025-02-30", "date_to", "Enter a valid date"),
        ("date_from=2025-10-01&date_to=2025-01-01", "date_to", "end date is before the start"),
        ("sort=bogus", "sort", "Select a valid choice"),
        ("page=abc", "page", "Not a number"),
        ("page=0", "page", "There is no such page"),
        ("page=-1", "page", "There is no such page"),
        ("page=2", "page", "There is no such page"),
        ("page=" + "9" * 40, "page", "There is no such page"),
        *[
            (query, parameter, message.split(": ", 1)[1])
            for query, parameter, message in CONTROL_CHARACTER_CASES
        ],
    ],
)
def test_a_bad_parameter_is_refused_and_named(client, tagged, query, parameter, message):
    response = client.get(f"/api/articles/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"]
    assert list(body["errors"]) == [parameter]
    assert message in " ".join(body["errors"][parameter])


@pytest.mark.parametrize(("query", "expected", "notes"), QUERY_CONTROL_CHARACTER_CASES)
def test_control_characters_in_the_query_are_left_out_with_a_note(
    client, tagged, query, expected, notes
):
    body = client.get(f"/api/articles/?{query}").json()
    assert titles_of(body) == expected
    assert body["notes"] == notes


@pytest.mark.parametrize(
    ("q", "count"),
    [
        ("\x00", 0),
        ("trump\x00", 1),
        ("\x1brare", 2),
        ("x" * 10_000, 0),
        ("rare " * 2000, 2),
        ('"', 0),
        ("'", 0),
        ('"""', 0),
        ("🤝", 0),
        ("OR", 0),
        ("-", 0),
        ("*", 0),
    ],
)
def test_no_query_text_is_an_error(client, tagged, q, count):
    response = client.get("/api/articles/", {"q": q})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count
    left_out = "Control characters in the query were left out." in body["notes"]
    assert left_out == ("\x00" in q or "\x1b" in q)


def test_next_and_previous_are_absolute_and_keep_the_other_parameters(client, tagged, settings):
    settings.ARCHIVE_PAGE_SIZE = 1
    body = client.get("/api/articles/?language=fr&language=en&q=&page=2").json()
    assert body["count"] == 3
    assert titles_of(body) == ["L'appel Trump-Xi"]
    for link, page in ((body["next"], "3"), (body["previous"], "1")):
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "testserver", "/api/articles/")
        assert parse_qs(parts.query, keep_blank_values=True) == {
            "language": ["fr", "en"],
            "q": [""],
            "page": [page],
        }
    last = client.get(body["next"]).json()
    assert titles_of(last) == ["Blinken visit"]
    assert last["next"] is None
    first = client.get(body["previous"]).json()
    assert titles_of(first) == ["Kuala Lumpur talks"]
    assert first["previous"] is None


def titles_of(body):
    return [article["title"] for article in body["results"]]


def test_translations_and_expansions_from_the_seeds(client, seeds):
    french, vietnamese = seeds["004"], seeds["004-vi"]
    results = {article["id"]: article for article in client.get("/api/articles/").json()["results"]}
    assert results[french.pk]["translations"] == [
        {
            "id": vietnamese.pk,
            "url": f"http://testserver{vietnamese.get_absolute_url()}",
            "language": "vi",
            "title": vietnamese.title,
        }
    ]
    assert [t["id"] for t in results[vietnamese.pk]["translations"]] == [french.pk]
    assert results[seeds["000"].pk]["translations"] == []
    body = client.get("/api/articles/?q=Putin").json()
    assert body["count"] == 1
    [expansion] = body["expansions"]
    assert expansion["typed"] == "putin"
    assert set(expansion["also"]) == {"Poetin", "Poutine", "普京"}
    assert "<mark>Poetin</mark>" in body["results"][0]["snippet"]  # the name as found
    body = client.get("/api/articles/?q=Putin&expand=0").json()
    assert (body["count"], body["expansions"]) == (0, [])
