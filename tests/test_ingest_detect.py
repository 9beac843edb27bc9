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
