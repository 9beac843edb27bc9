"""The passage shown under a search result: matches in <mark>, every other character escaped."""

import pytest

from archive.search.query import parse
from archive.search.snippets import (
    ELLIPSIS,
    LEAD_TERMS,
    WINDOW_TERMS,
    article_snippet,
    wanted_terms,
)
from tests.factories import ArticleFactory, LanguageFactory


def snippet(query, body, *, language="en", standfirst=""):
    article = ArticleFactory.build(
        body=body, standfirst=standfirst, language=LanguageFactory.build(code=language)
    )
    return str(article_snippet(article, wanted_terms(parse(query).required)))


def test_matches_are_marked_and_everything_else_is_escaped():
    body = 'Tariffs <script>alert("x")</script> & more tariffs'
    assert snippet("tariff", body) == (
        "<mark>Tariffs</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more "
        "<mark>tariffs</mark>"
    )


@pytest.mark.parametrize(
    ("query", "language", "body", "expected"),
    [
        # Stems and folded accents: the words as the article writes them are marked.
        ("tarif", "fr", "Les tarifs douaniers.", "Les <mark>tarifs</mark> douaniers."),
        ("TARIFS", "fr", "Un tarif élevé.", "Un <mark>tarif</mark> élevé."),
        # Adjacent words of the query become one mark.
        (
            "dat hiem",
            "vi",
            "Xuất khẩu đất hiếm sang Mỹ.",
            "Xuất khẩu <mark>đất hiếm</mark> sang Mỹ.",
        ),
        # Chinese, unspaced: the characters themselves, pairs merged into one mark.
        ("稀土", "zh", "双方讨论了稀土出口管制。", "双方讨论了<mark>稀土</mark>出口管制。"),
        ("习近平", "zh", "特朗普与习近平通话。", "特朗普与<mark>习近平</mark>通话。"),
        # A prefix marks every word it starts.
        (
            "negoc*",
            "fr",
            "Les négociations et le négoce.",
            "Les <mark>négociations</mark> et le <mark>négoce</mark>.",
        ),
    ],
)
def test_the_words_that_matched_are_marked_as_written(query, language, body, expected):
    assert snippet(query, body, language=language) == expected


def test_a_phrase_is_marked_only_where_it_occurs():
    body = "Xi may have the upper hand. Trump raised his hand; the upper floor was empty."
    assert snippet('"upper hand"', body) == (
        "Xi may have the <mark>upper hand</mark>. Trump raised his hand; the upper floor was empty."
    )


def test_the_paragraph_with_most_matched_words_is_shown():
    body = "Tariffs were mentioned.\nTariffs on rare earths and soybeans.\nNothing here."
    assert snippet("tariff soybean", body) == (
        "<mark>Tariffs</mark> on rare earths and <mark>soybeans</mark>."
    )


def test_a_long_text_gives_a_window_around_the_matches():
    before = " ".join(f"before{n}" for n in range(100))
    after = " ".join(f"after{n}" for n in range(100))
    result = snippet("tariff", f"{before} <tariffs> {after}")
    assert result.startswith(ELLIPSIS)
    assert result.endswith(ELLIPSIS)
    assert "&lt;<mark>tariffs</mark>&gt;" in result
    assert result.startswith(f"{ELLIPSIS}before{100 - LEAD_TERMS} ")  # context before
    assert "after99" not in result
    words = result.strip(ELLIPSIS).split()
    assert len(words) == WINDOW_TERMS


def test_a_match_at_the_start_of_a_long_text_has_no_leading_ellipsis():
    result = snippet("tariff", "Tariffs " + " ".join(f"word{n}" for n in range(100)))
    assert result.startswith("<mark>Tariffs</mark> word0")
    assert result.endswith(f"word{WINDOW_TERMS - 2}{ELLIPSIS}")


@pytest.mark.parametrize("query", ["", "absent"])
def test_without_a_match_the_start_of_the_text_is_shown_escaped(query):
    assert snippet(query, "A <b>bold</b> & plain start.") == (
        "A &lt;b&gt;bold&lt;/b&gt; &amp; plain start."
    )
    assert snippet(query, "Body.", standfirst="The <i>standfirst</i>.") == (
        "The &lt;i&gt;standfirst&lt;/i&gt;."
    )
    long = snippet(query, " ".join(f"word{n}" for n in range(100)))
    assert long == " ".join(f"word{n}" for n in range(WINDOW_TERMS)) + ELLIPSIS
