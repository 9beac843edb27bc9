"""Turning text into index terms, and query words into the terms that match them.

Search normalises text once, here, in Python, and gives both databases the same terms: the
SQLite FTS5 table and the PostgreSQL tsvector only ever see lower-case, accent-free words
separated by spaces. That is what makes the two engines agree on what matches.

- Case, accents, tones and đ are folded (`archive.text.fold`): "Đất hiếm" → "dat hiem".
- Dutch, French and English words are stemmed (Snowball): "sojabonen" → "sojaboon".
  Other languages keep their folded words.
- Chinese and Japanese, written without spaces, are indexed as overlapping pairs of
  characters: "特朗普" → "特朗 朗普". A query for 特朗普 is then the phrase of its pairs, which
  finds the word wherever it stands, with no dictionary to keep up to date.
"""

import operator
import re
from functools import lru_cache

import snowballstemmer

from archive.text import fold

# The languages whose words are reduced to their stems, with Snowball's name for each.
STEMMERS = {"nl": "dutch", "fr": "french", "en": "english"}
# Scripts written without spaces between words (Han, kana), indexed as character pairs.
UNSPACED = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
UNSPACED_RUN = re.compile(f"[{UNSPACED}]+")
# A word: letters and digits. The underscore separates, as it does for SQLite's tokenizer.
WORD = re.compile(r"[^\W_]+")
# A word, or a run of unspaced script: the pieces of a text that become terms.
PIECE = re.compile(f"[{UNSPACED}]+|(?:(?![{UNSPACED}])[^\\W_])+")
# The same pieces, as (run of unspaced script, word) with one of the two empty.
PIECES = re.compile(f"([{UNSPACED}]+)|((?:(?![{UNSPACED}])[^\\W_])+)")
MAX_WORD_CHARS = 60


def index_terms(text, language):
    """The terms of a text, in order, as the index stores them."""
    return folded_terms(fold(text), language)


def folded_terms(folded, language):
    """`index_terms` of a text already folded (`archive.text.fold`)."""
    stemmer = STEMMERS.get(language)
    if folded.isascii():
        # Most folded text is ASCII: bytes.translate and split find its words several times
        # faster than the regular expression, with the same result (letters and digits).
        found = folded.encode().translate(_ASCII_SEPARATORS).decode().split()
    elif not UNSPACED_RUN.search(folded):
        found = WORD.findall(folded)
    else:
        return _mixed_terms(folded, stemmer)
    if max(map(len, found), default=0) > MAX_WORD_CHARS:  # rare: cut only when needed
        found = [word[:MAX_WORD_CHARS] for word in found]
    return stems(found, stemmer) if stemmer else found


def _mixed_terms(folded, stemmer):
    """Terms of a text with runs of unspaced script: their character pairs, and words."""
    terms, spaced = [], []
    for run, word in PIECES.findall(folded):
        if run:
            terms.extend(character_pairs(run))
        else:
            spaced.append(len(terms))
            terms.append(word[:MAX_WORD_CHARS])
    if stemmer and spaced:
        found = stems([terms[index] for index in spaced], stemmer)
        for index, stem in zip(spaced, found, strict=True):
            terms[index] = stem
    return terms


# Every ASCII byte that is not a letter or a digit, as a space: what WORD leaves out.
_ASCII_SEPARATORS = (
    bytes(byte if chr(byte).isalnum() else ord(" ") for byte in range(128)) + 128 * b" "
)


def stems(words, stemmer):
    """The stems of `words` (Snowball's algorithm `stemmer`), through a cache of stems seen.

    A text repeats its words, and an archive its vocabulary: a dictionary lookup per word is
    a quarter of the cost of asking the stemmer, even PyStemmer with its own cache.
    """
    known = _stem_cache[stemmer]
    found = list(map(known.get, words))
    if None in found:
        if len(known) > STEMS_KEPT:
            known.clear()  # memory stays flat over a long load
            missing = list(dict.fromkeys(words))
        else:
            pairs = zip(words, found, strict=True)
            missing = list(dict.fromkeys(word for word, stem in pairs if stem is None))
        known.update(zip(missing, _stemmers(stemmer).stemWords(missing), strict=True))
        found = list(map(known.__getitem__, words))
    return found


STEMS_KEPT = 200_000
_stem_cache = {name: {} for name in STEMMERS.values()}


def term_spans(text, language):
    """(start, end, term) for each index term of `text`, the span pointing into `text` itself.

    The same terms as `index_terms`: snippets use it to find the words a query matched.
    """
    folded = fold(text)  # as long as `text`, so spans point back at the original
    stemmer = STEMMERS.get(language)
    for match in PIECE.finditer(folded):
        piece, start = match.group(), match.start()
        if UNSPACED_RUN.fullmatch(piece):
            for offset, pair in enumerate(character_pairs(piece)):
                yield start + offset, start + offset + len(pair), pair
        else:
            word = piece[:MAX_WORD_CHARS]
            yield start, match.end(), _stem(word, stemmer) if stemmer else word


def words(text):
    """Folded words, with each run of unspaced script as a word of its own."""
    return _words(fold(text))


def _words(folded):
    # A run of unspaced script is a sentence rather than a word: it is never cut, or the
    # words at its end would be lost to search.
    return [run or word[:MAX_WORD_CHARS] for run, word in PIECES.findall(folded)]


def character_pairs(run):
    """Overlapping pairs of characters: 特朗普 → 特朗, 朗普; a single character stays."""
    if len(run) == 1:
        return [run]
    return list(map(operator.add, run, run[1:]))


def pair_term(first, second):
    """The term standing for `first` followed by `second` (PostgreSQL's index only).

    GIN knows which documents hold a term, not where: to tell which of the documents holding
    two common words hold them side by side, PostgreSQL reads each one whole, which for
    "Trung Quốc" in a million articles was 200,000 documents and over a second. For common
    words (archive.search.documents.common_terms), a two-word phrase is one lookup of its pair
    term instead. Terms never hold "_" (it separates words, as in SQLite's tokenizer), so a
    pair term cannot be mistaken for a word.
    """
    return PAIR_SEPARATOR.join((first, second))


PAIR_SEPARATOR = "_"


def query_forms(word):
    """Every term a query word may stand for in the index, since a query has no language.

    "talks" → {"talks", "talk"}; "sojabonen" → {"sojabonen", "sojaboon", "sojabonen"}.
    """
    return tuple(sorted({word} | {_stem(word, stemmer) for stemmer in STEMMERS.values()}))


@lru_cache(maxsize=100_000)
def _stem(word, stemmer):
    return _stemmers(stemmer).stemWord(word)


@lru_cache(maxsize=8)
def _stemmers(name):
    return snowballstemmer.stemmer(name)
