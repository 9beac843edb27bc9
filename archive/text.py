"""Folding text for matching: the one definition the loader's tagging and search share."""

import unicodedata


class _FoldTable(dict):
    """str.translate table folding one character to one character, built as text needs it.

    Keeping lengths equal lets a match in the folded text point back at the words as the
    article writes them.
    """

    def __missing__(self, code):
        char = chr(code)
        folded = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        ).lower()
        folded = {"đ": "d", "’": "'", "‘": "'", "ʼ": "'"}.get(folded, folded)
        self[code] = (
            folded if len(folded) == 1 else char.lower() if len(char.lower()) == 1 else char
        )
        return self[code]


_FOLD = _FoldTable()


def fold(text):
    """Lower case without accents or tones, one apostrophe: "Đất hiếm" → "dat hiem"."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)
