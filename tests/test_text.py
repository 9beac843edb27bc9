import pytest

from archive.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đất hiếm", "dat hiem"), ("L’appel", "l'appel"), ("Oekraïne", "oekraine"), ("稀土", "稀土")],
)
def test_fold_drops_case_accents_and_tones_and_keeps_the_length(text, folded):
    assert fold(text) == folded
    assert len(fold(text)) == len(text)
