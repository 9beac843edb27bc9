import sqlite3

import pytest
from django.db import connection

from archive.search.analysis import query_forms
from archive.search.query import (
    MAX_CLAUSES,
    AnyOf,
    Expansion,
    ParsedQuery,
    Phrase,
    Term,
    expand,
    parse,
    to_fts5,
    to_tsquery,
    tsquery_alternatives,
)


def term(word, prefix=False):
    return Term(query_forms(word), prefix)


def test_a_query_word_stands_for_itself_and_its_stems_in_every_stemmed_language():
    assert query_forms("talks") == ("talk", "talks")
    assert set(query_forms("tarifs")) == {"tarif", "tarifs"}
    assert "sojaboon" in query_forms("sojabonen")


def test_words_must_all_match():
    query = parse("trade talks")
    assert query.required == (term("trade"), term("talks"))
    assert to_fts5(query.required) == '("trad" OR "trade") AND ("talk" OR "talks")'
    assert to_tsquery(query.required) == "('trad' | 'trade') & ('talk' | 'talks')"


def test_a_quoted_phrase_keeps_its_words_together():
    query = parse('"rare earths"')
    assert query.required == (Phrase((term("rare"), term("earths"))),)
    assert to_fts5(query.required) == (
        '("rar earth" OR "rar earths" OR "rare earth" OR "rare earths")'
    )
    assert to_tsquery(query.required) == "(('rar' | 'rare') <-> ('earth' | 'earths'))"


def test_on_postgresql_a_phrase_of_common_words_is_its_pair_terms():
    query = parse('"rare earths"')
    common = {"rar", "rare", "earth", "earths"}
    assert to_tsquery(query.required, common=common) == (
        "('rar_earth' | 'rar_earths' | 'rare_earth' | 'rare_earths')"
    )
    # Where a combination of forms is not common, its words are read side by side.
    assert to_tsquery(query.required, common=common - {"rar"}) == (
        "(('rar' <-> 'earth') | ('rar' <-> 'earths') | 'rare_earth' | 'rare_earths')"
    )
    assert to_tsquery(query.required, weights="A", common=common - {"rar"}) == (
        "(('rar':A <-> 'earth':A) | ('rar':A <-> 'earths':A) | 'rare_earth':A | 'rare_earths':A)"
    )
    # No pair term at all: the phrase as it was.
    assert to_tsquery(query.required, common={"rare"}) == to_tsquery(query.required)


def test_on_postgresql_a_phrase_common_in_some_combinations_only_is_split_in_two():
    query = parse('"rare earths" China')
    common = {"rare", "earth", "earths", "china"}
    assert tsquery_alternatives(query.required, common=common) == [
        "('rare_earth' | 'rare_earths') & ('chin' | 'china')",
        "(('rar' <-> 'earth') | ('rar' <-> 'earths')) & ('chin' | 'china')",
    ]
    # Not split: a phrase of common words only, of no common pair, or two mixed phrases.
    assert tsquery_alternatives(query.required, common=common | {"rar"}) == [
        to_tsquery(query.required, common=common | {"rar"})
    ]
    assert tsquery_alternatives(query.required, common=set()) == [to_tsquery(query.required)]
    two = parse('"rare earths" "rare earth"').required
    assert tsquery_alternatives(two, common=common) == [to_tsquery(two, common=common)]


def test_on_postgresql_a_longer_phrase_needs_its_common_pairs_and_its_words_in_order():
    query = parse('"trade war talks"')
    common = {"trad", "trade", "war"}
    assert to_tsquery(query.required, common=common) == (
        "(('trad_war' | 'trade_war') & (('trad' | 'trade') <-> 'war' <-> ('talk' | 'talks')))"
    )


def test_or_joins_the_words_on_either_side():
    query = parse("Putin OR Poetin tariffs")
    assert query.required == (AnyOf((term("putin"), term("poetin"))), term("tariffs"))


def test_excluded_words_and_phrases():
    query = parse('china -taiwan -"trade war"')
    assert query.required == (term("china"),)
    assert query.excluded == (term("taiwan"), Phrase((term("trade"), term("war"))))


def test_prefix_search():
    query = parse("negoc* talks*")
    assert query.required == (term("negoc", prefix=True), term("talks", prefix=True))
    assert to_fts5(query.required).endswith('AND ("talk"* OR "talks"*)')
    assert to_tsquery(query.required).endswith("& ('talk':* | 'talks':*)")


def test_accents_apostrophes_and_case_do_not_matter():
    assert parse("L’APPEL").required == parse("l'appel").required
    assert parse("Đất hiếm").required == parse("dat hiem").required


def test_chinese_words_become_phrases_of_character_pairs():
    assert parse("特朗普").required == (Phrase((Term(("特朗",)), Term(("朗普",)))),)
    assert parse("稀土").required == (Term(("稀土",)),)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ('"unclosed phrase', "was not closed"),
        ("OR china", "OR without a word"),
        ("china OR", "OR without a word"),
        ("x" * 600, "first 500 characters"),
        (" ".join(f"w{n}" for n in range(30)), f"first {MAX_CLAUSES} words"),
        ("china\x00", "Control characters in the query were left out"),
    ],
)
def test_what_cannot_be_read_as_typed_is_explained(text, note):
    assert any(note in message for message in parse(text).notes)


def test_control_characters_are_left_out_and_tab_and_line_breaks_separate_words():
    assert parse("chi\x00na\x1b\x7f") == ParsedQuery(
        parse("china").required, notes=("Control characters in the query were left out.",)
    )
    assert parse("china\ttrade\r\nwar") == parse("china trade war")


HOSTILE = [
    "",
    "   ",
    '"',
    '""',
    "-",
    "*",
    "OR",
    "OR OR AND NOT",
    "-china",
    "((china)",
    "china)) AND (",
    "NEAR(a b)",
    "col:china",
    "^china",
    "'; DROP TABLE archive_article; --",
    "\x00china\x00",
    "🇨🇳 🇺🇸 🤝",
    "a" * 10_000,
    "中" * 3000,
    '"' * 101,
    "-" * 50 + "*" * 50,
    "l’appel “Trump–Xi” «terres rares» „sojabonen“",
    'tarif* * ** -* -"" OR -OR',
    "\\ \\\\ ' '' ` %",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_gives_a_query_sqlite_fts5_accepts(text):
    query = parse(text)
    database = sqlite3.connect(":memory:")
    database.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    database.execute("INSERT INTO t VALUES ('china trade war')")
    for nodes in (query.required, query.excluded):
        if nodes:
            database.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(nodes),)).fetchall()


@pytest.mark.django_db
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_gives_a_tsquery_postgresql_accepts(text):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the suite's PostgreSQL run covers it")
    query = parse(text)
    with connection.cursor() as cursor:
        for nodes in (query.required, query.excluded):
            if nodes:
                cursor.execute("SELECT %s::tsquery", [to_tsquery(nodes)])


def test_a_long_phrase_keeps_a_bounded_number_of_combinations():
    query = parse('"talks tariffs sanctions exports imports markets"')
    [phrase] = query.required
    combinations = 1
    for term in phrase.terms:
        combinations *= len(term.forms)
    assert combinations <= 16
    assert to_fts5(query.required).count(" OR ") == combinations - 1


THESAURUS = {
    ("putin",): ["Poetin", "Poutine", "普京"],
    ("rare", "earths"): ["terres rares", "稀土"],
}


def test_a_label_also_matches_the_other_labels_of_its_concept():
    query, expansions = expand(parse("Putin talks"), THESAURUS)
    putin, talks = query.required
    assert isinstance(putin, AnyOf)
    assert putin.options[0] == term("putin")
    assert Phrase((Term(("普",)), Term(("京",)))) not in putin.options
    assert Term(("普京",)) in putin.options
    assert talks == term("talks")
    assert expansions == [Expansion("putin", ("Poetin", "Poutine", "普京"))]


def test_consecutive_words_that_make_a_label_are_read_as_that_label():
    query, expansions = expand(parse("rare earths exports"), THESAURUS)
    assert len(query.required) == 2
    label, exports = query.required
    assert label.options[0] == Phrase((term("rare"), term("earths")))
    assert exports == term("exports")
    assert [e.typed for e in expansions] == ["rare earths"]


def test_excluded_labels_and_alternatives_are_expanded_too():
    query, _ = expand(parse("china -Putin OR"), THESAURUS)
    assert isinstance(query.excluded[0], AnyOf)
    query, _ = expand(parse("Putin OR sojabonen"), THESAURUS)
    [either] = query.required
    assert len(either.options) == 1 + 3 + 1


def test_prefixes_and_an_empty_thesaurus_are_left_alone():
    assert expand(parse("Putin*"), THESAURUS)[1] == []
    query = parse("Putin")
    assert expand(query, {}) == (query, [])
