"""Folding text for matching, the one definition the loader's tagging and search share, and
the width of text as a reader sees it."""

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


# Han, kana, Hangul (syllables and jamo), CJK punctuation and the full-width forms.
WIDE = re.compile(
    "[\u1100-\u11ff\u2e80-\u303f\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uff60\U00020000-\U0002fa1f]"
)
# A Chinese, Japanese or Korean character says about as much as a short Latin word, so it
# counts as four Latin characters.
WIDE_CHAR_WIDTH = 4


def width(text):
    """The text's length as a reader sees it, in Latin characters (WIDE_CHAR_WIDTH)."""
    if text.isascii():
        return len(text)
    return len(text) + (WIDE_CHAR_WIDTH - 1) * len(WIDE.findall(text))


def mostly_wide(text):
    """Whether the text is written mostly in Chinese, Japanese or Korean characters."""
    return not text.isascii() and 2 * len(WIDE.findall(text)) >= len(text)


# The characters no URL parameter may bring into the archive: the ASCII control characters,
# U+0000–U+001F and U+007F, except tab, line feed and carriage return, which the filters and
# the search read as whitespace (a browser sends a line break as CR LF). PostgreSQL refuses
# a NUL in text where SQLite stores it, so a NUL reaching a query would be an error on one
# database and a miss on the other; the rest go with it so that one rule, the same on both,
# covers every character no one types. C1 controls (U+0080–U+009F) are left alone: both
# databases store them, and U+0085 is a line break.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(text):
    """The first control character (see CONTROL_CHARACTERS) of `text`, or None."""
    found = CONTROL_CHARACTERS.search(text)
    return found.group() if found else None


def without_control_characters(text):
    """`text` with its control characters (see CONTROL_CHARACTERS) left out."""
    return CONTROL_CHARACTERS.sub("", text)
