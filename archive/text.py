"""Folding text for matching: the one definition the loader's tagging and search share."""

import re
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
        folded = {"đ": "d", "’": "'", "‘": "'", "ʼ": "'", "ς": "σ"}.get(folded, folded)
        self[code] = (
            folded if len(folded) == 1 else char.lower() if len(char.lower()) == 1 else char
        )
        return self[code]


_FOLD = _FoldTable()
# What lower() leaves to fold: anything beyond ASCII, except the Chinese and Japanese
# characters that fold to themselves.
_TO_FOLD = re.compile(r"[^\x00-\x7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")


def fold(text):
    """Lower case without accents or tones, one apostrophe: "Đất hiếm" → "dat hiem"."""
    if text.isascii():
        return text.lower()
    # str.translate looks every character up in the table. Where few characters need it
    # (Dutch, French: under one in ten beyond ASCII at the start, as UTF-8's extra bytes
    # tell), lower() and folding only those runs is two to three times faster; the loader
    # folds every article.
    sample = text[:500]
    if (len(sample.encode()) - len(sample)) * 10 < len(sample):
        lowered = text.lower()
        if len(lowered) == len(text):  # not so for a letter whose lower case is longer (İ)
            return _TO_FOLD.sub(lambda run: run.group().translate(_FOLD), lowered)
    return text.translate(_FOLD)
