import pytest

from archive.ingest.reading import IngestError, decode, looks_binary, normalise


def test_utf8_with_a_byte_order_mark_and_windows_line_ends():
    source = decode(b"\xef\xbb\xbfLine one\r\nLine two\r\n")
    assert source.text == "Line one\nLine two"
    assert source.warnings == []


def test_legacy_text_is_decoded_with_a_warning():
    source = decode("Le café «très» cher à Genève".encode("cp1252"))
    assert source.text == "Le café «très» cher à Genève"
    assert source.warnings == ["not UTF-8; decoded as cp1252"]


def test_text_is_nfc_but_keeps_its_typography():
    text = normalise("Les e\u0301changes \u2014 \u201cl\u2019appel\u201d\u00a0!   \n\n")
    assert text == "Les échanges — “l’appel”\u00a0!"


@pytest.mark.parametrize("raw", [b"abc\x00def", bytes(range(1, 20)) * 10])
def test_binary_is_recognised(raw):
    assert looks_binary(raw)
    with pytest.raises(IngestError, match="binary"):
        decode(raw)


def test_empty_text_is_refused():
    with pytest.raises(IngestError, match="empty"):
        decode(b"\n \n")
