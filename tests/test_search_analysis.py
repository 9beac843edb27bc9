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


@pytest.mark.parametrize(
    "text",
    [
        "Trump-Xi talks: tariffs of 100% on 5/6, don't snake_case_words (again)!",
        "Naïve café — «terres rares» à Pékin, le 5 juin",
        "Đất hiếm và thuế quan giữa Mỹ và Trung Quốc",
        "x²³ ½ ٣ ﬁnance",
    ],
)
@pytest.mark.parametrize("language", ["nl", "fr", "en", "vi", None])
def test_ascii_text_is_split_as_the_regular_expression_splits_any_text(text, language):
    # Folded ASCII text takes a faster path; both must give the index the same terms.
    from archive.search.analysis import WORD, _stemmers, folded_terms, stems
    from archive.text import fold

    folded = fold(text)
    expected = WORD.findall(folded)
    if language in {"nl", "fr", "en"}:
        name = {"nl": "dutch", "fr": "french", "en": "english"}[language]
        expected = _stemmers(name).stemWords(expected)
        assert stems(WORD.findall(folded), name) == expected
    assert folded_terms(folded, language) == expected


def test_stems_are_cached_and_the_cache_stays_bounded(monkeypatch):
    from archive.search import analysis

    monkeypatch.setattr(analysis, "STEMS_KEPT", 3)
    words = ["talks", "talking", "talks", "tariffs", "markets", "talked", "talks"]
    assert analysis.stems(words, "english") == [
        "talk", "talk", "talk", "tariff", "market", "talk", "talk",
    ]  # fmt: skip
    assert analysis.stems(["trades", "trading"], "english") == ["trade", "trade"]
    assert len(analysis._stem_cache["english"]) <= 3 + 2


def test_mixed_text_keeps_the_order_of_its_words_and_character_pairs():
    assert index_terms("Trump en 习近平 talks", "en") == ["trump", "en", "习近", "近平", "talk"]


def test_a_long_run_of_chinese_is_indexed_to_its_end_as_snippets_read_it():
    from archive.search.analysis import term_spans

    clause = "美国总统特朗普与中国国家主席习近平在电话中讨论了稀土出口管制关税大豆采购芯片"
    sentence = clause * 2 + "吉隆坡"
    assert len(sentence) > 60
    terms = index_terms(sentence, "zh")
    assert terms[-2:] == ["吉隆", "隆坡"]
    assert terms == [term for _, _, term in term_spans(sentence, "zh")]
    assert words(sentence) == [sentence]
