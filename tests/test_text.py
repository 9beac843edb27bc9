import pytest

from archive.text import control_character, fold, mostly_wide, width, without_control_characters


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đất hiếm", "dat hiem"), ("L’appel", "l'appel"), ("Oekraïne", "oekraine"), ("稀土", "稀土")],
)
def test_fold_drops_case_accents_and_tones_and_keeps_the_length(text, folded):
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    "text",
    [
        "Een lange Nederlandse tekst over Oekraïne en de VS. " * 20,  # few accents: by runs
        "Việc Bắc Kinh ngừng xuất khẩu đất hiếm sau khi Mỹ áp thuế. " * 20,  # many: at once
        "Een İ in een lange Nederlandse tekst. " * 20,  # İ lowers to two characters
        "ΣΊΣΥΦΟΣ en Σίσυφος",  # a final sigma folds like any other
        "中国和美国的贸易谈判。Ｔrump " * 20,
    ],
)
def test_fold_gives_the_same_letters_by_runs_as_one_by_one(text):
    one_by_one = "".join(fold(character) for character in text)
    assert fold(text) == one_by_one
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Le Monde", None),
        ("tab\tline\nbreak\r\n", None),
        ("\x85 C1 controls and \u2028 are left alone", None),
        ("a\x00b", "\x00"),
        ("\x1b[1m", "\x1b"),
        ("form\x0cfeed", "\x0c"),
        ("delete\x7f", "\x7f"),
    ],
)
def test_control_characters_are_the_ascii_ones_but_tab_and_line_breaks(text, found):
    assert control_character(text) == found
    assert without_control_characters(text) == (text.replace(found, "") if found else text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Trade talks", 11), ("Négociations", 12), ("稀土", 8), ("中美 talks", 14), ("관세", 8)],
)
def test_width_counts_a_cjk_character_as_four_latin_ones(text, expected):
    assert width(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("稀土出口管制", True),
        ("稀土 rare earths", False),
        ("中国与美国 US", True),
        ("Pékin", False),
    ],
)
def test_mostly_wide_tells_cjk_text_from_text_quoting_a_cjk_word(text, expected):
    assert mostly_wide(text) is expected
