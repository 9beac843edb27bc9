import pytest

from archive.ingest.detect import detect_language, in_context, languages_of_documents


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Heel veel sojabonen", "nl"),
        ("Les droits de douane pourraient atteindre 100 %", "fr"),
        ("Passage through Shanghai", "en"),
        ("Cuộc gọi giữa Trump và Tập Cận Bình", "vi"),
        ("稀土出口管制成为中美谈判的焦点", "zh"),
        ("臺灣問題與美國的關稅政策", "zh"),
        ("Die Zölle auf chinesische Waren steigen weiter", "de"),
        ("Los aranceles de Estados Unidos contra China", "es"),
        ("Путин и Си Цзиньпин обсудили торговлю", "ru"),
        ("米中首脳会談は来週開かれる予定です", "ja"),
        ("미국과 중국의 무역 협상이 재개되었다", "ko"),
        ("!!! 123", None),
    ],
)
def test_every_supported_language_is_recognised(text, code):
    assert detect_language(text) == code


def test_only_the_configured_languages_are_chosen_from(settings):
    settings.ARCHIVE_LANGUAGES = ["en", "fr"]
    assert detect_language("Die Zölle auf chinesische Waren steigen weiter") in {"en", "fr"}


def test_an_unsure_heading_takes_the_language_of_the_paragraph_it_introduces():
    assert in_context([("fr", 1.0), ("en", 0.4), ("nl", 1.0)]) == ["fr", "nl", "nl"]
    assert in_context([("fr", 1.0), ("en", 0.95)]) == ["fr", "en"]
    assert in_context([("de", 0.5)]) == ["de"]


def test_documents_are_read_paragraph_by_paragraph():
    french = "Les discussions portent sur les restrictions chinoises à l’exportation."
    english = "The talks are about Chinese restrictions on the export of rare earths."
    assert languages_of_documents([[french, english], [english]]) == [["fr", "en"], ["en"]]


# Paragraphs of 60 characters or more are read by fastText rather than lingua.
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("De Verenigde Staten en China praten opnieuw over de invoerheffingen op sojabonen.", "nl"),
        (
            "Les droits de douane américains sur les produits chinois pourraient encore augmenter.",
            "fr",
        ),
        (
            "The two leaders spoke by telephone for more than an hour about trade and rare earths.",
            "en",
        ),
        ("Hai nhà lãnh đạo đã điện đàm hơn một giờ về thương mại và đất hiếm giữa hai nước.", "vi"),
        (
            "中美两国领导人周四通电话，讨论了贸易、关税以及稀土出口管制等问题。"
            "双方同意下个月在吉隆坡继续举行谈判，并争取尽快达成协议。",
            "zh",
        ),
        (
            "臺灣問題與美國的關稅政策成為雙方會談的焦點，兩國官員同意在下個月繼續舉行談判。"
            "美方表示將暫緩提高關稅，中方則承諾擴大採購。",
            "zh",
        ),
        (
            "Die Zölle auf chinesische Waren steigen weiter, und Peking droht mit Gegenmaßnahmen.",
            "de",
        ),
        (
            "Los aranceles de Estados Unidos contra China siguen subiendo pese a "
            "las negociaciones.",
            "es",
        ),
        (
            "Путин и Си Цзиньпин обсудили торговлю и поставки редкоземельных металлов в Москве.",
            "ru",
        ),
        (
            "米中首脳会談は来週開かれる予定で、関税とレアアースの輸出規制が主な議題になる見通しです。"
            "両国の閣僚は事前に協議を重ねている。",
            "ja",
        ),
        (
            "미국과 중국의 무역 협상이 재개되었으며 "
            "양국은 희토류 수출 통제에 대해 논의했다고 밝혔다. 양측은 다음 달 다시 만나기로 했다.",
            "ko",
        ),
        ("THE TWO LEADERS SPOKE BY TELEPHONE FOR MORE THAN AN HOUR ABOUT TRADE AND TARIFFS.", "en"),
        ("1234567890 1234567890 1234567890 1234567890 1234567890 1234567890 !!!", None),
    ],
)
def test_every_supported_language_is_recognised_in_a_paragraph(text, code):
    assert len(text) >= 60
    assert detect_language(text) == code


def test_a_paragraph_in_a_language_the_archive_does_not_hold_gets_one_it_does(settings):
    italian = "I dazi americani sulle merci cinesi potrebbero aumentare ancora nei prossimi mesi."
    assert detect_language(italian) in settings.ARCHIVE_LANGUAGES
    settings.ARCHIVE_LANGUAGES = ["en", "fr"]
    assert detect_language(italian) in {"en", "fr"}


def test_paragraphs_read_together_get_the_languages_they_get_one_by_one():
    from archive.ingest.detect import read_languages

    paragraphs = [
        "De Verenigde Staten en China hebben in Kuala Lumpur opnieuw over handel gesproken.",
        "1234567890 1234567890 1234567890 1234567890 1234567890 1234567890 !!!",
        "Heel veel sojabonen",
        "Les discussions portent sur les restrictions chinoises à l’exportation de terres rares.",
        "De Verenigde Staten en China hebben in Kuala Lumpur opnieuw over handel gesproken.",
    ]
    together = [code for code, _ in read_languages(paragraphs)]
    assert together == [read_languages([text])[0][0] for text in paragraphs]
    assert together == ["nl", None, "nl", "fr", "nl"]
