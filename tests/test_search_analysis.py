import pytest

from archive.search.analysis import character_pairs, index_terms, query_forms, words


def test_words_are_folded_and_split_on_anything_but_letters_and_digits():
    assert words("L’appel Trump-Xi du 5/6 — Đất hiếm, snake_case") == [
        "l", "appel", "trump", "xi", "du", "5", "6", "dat", "hiem", "snake", "case",
    ]  # fmt: skip


def test_dutch_french_and_english_are_stemmed_other_languages_folded():
    assert index_terms("sojabonen", "nl") == index_terms("sojaboon", "nl")
    assert index_terms("tarifs", "fr") == ["tarif"]
    assert index_terms("talks", "en") == ["talk"]
    assert index_terms("thuế quan", "vi") == ["thue", "quan"]


def test_chinese_and_japanese_become_overlapping_character_pairs():
    assert index_terms("特朗普与习近平通话", "zh") == [
        "特朗",
        "朗普",
        "普与",
        "与习",
        "习近",
        "近平",
        "平通",
        "通话",
    ]
    assert index_terms("Trump 特朗普", "en") == ["trump", "特朗", "朗普"]
    assert character_pairs("中") == ["中"]
    assert index_terms("米中首脳会談", "ja")[:2] == ["米中", "中首"]


@pytest.mark.parametrize(
    ("word", "language", "text"),
    [("sojaboon", "nl", "sojabonen"), ("tarif", "fr", "tarifs"), ("talk", "en", "talks")],
)
def test_a_query_word_stands_for_the_stem_the_text_was_indexed_under(word, language, text):
    assert index_terms(text, language)[0] in query_forms(word)


def test_numbers_are_not_stemmed():
    assert query_forms("2025") == ("2025",)
