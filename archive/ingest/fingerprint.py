"""Fingerprints of an article's text: exact (SHA-256) and approximate (SimHash).

SimHash over word 3-shingles maps texts that differ in a few words to 64-bit numbers that
differ in a few bits; four 16-bit bands make "within three bits" an indexed lookup.
"""

import hashlib
import re
import zlib

import numpy as np

SHINGLE_WORDS = 3
NEAR_DUPLICATE_BITS = 3
# Below this the SimHash of a text swings with every word; such texts are not compared.
MIN_WORDS_FOR_SIMHASH = 40
# In scripts written without spaces, each character counts as a word.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
UNSPACED_TOKEN = re.compile(rf"{UNSPACED.pattern}|\w+")
# The opening words identify a story: a near duplicate shares them, whatever follows.
MAX_WORDS = 300


def content_hash(*parts):
    """Equal for texts that differ only in case and spacing."""
    return normalised_content_hash(*(normalised(part) for part in parts))


def normalised(text):
    """The text as the content hash reads it: case folded, spaces collapsed."""
    return " ".join(text.casefold().split())


def normalised_content_hash(*parts):
    """`content_hash` of parts already `normalised`."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def simhash(text):
    """A signed 64-bit SimHash of the shingles of the opening words, or None for short texts.

    Words are hashed once each (CRC-32 twice, for 64 bits); shingle hashes are combined and
    mixed with numpy, and the bit vote is a column sum: a tenth of the cost of hashing every
    shingle's text.
    """
    sample = text[: MAX_WORDS * 12].casefold()
    unspaced = bool(UNSPACED.search(sample[:200]))
    # Splitting on spaces keeps punctuation on words, which only makes shingles stricter.
    if unspaced:
        words = UNSPACED_TOKEN.findall(sample)[:MAX_WORDS]
    else:
        # The first MAX_WORDS pieces are whole words; a last one holds the rest, unsplit.
        words = sample.split(maxsplit=MAX_WORDS)[:MAX_WORDS]
    if len(words) < MIN_WORDS_FOR_SIMHASH:
        return None
    hashes = list(map(_word_hashes.get, words))
    if None in hashes:
        hashes = [
            _word_hash(word) if found is None else found
            for word, found in zip(words, hashes, strict=True)
        ]
    word_hashes = np.array(hashes, np.uint64)
    # A character of Chinese or Japanese carries about half a word: shingles twice as long.
    width = SHINGLE_WORDS * 2 if unspaced else SHINGLE_WORDS
    shingles = np.zeros(len(words) - width + 1, np.uint64)
    for offset in range(width):
        shingles = shingles * _K1 + word_hashes[offset : len(words) - width + 1 + offset]
    # Each distinct shingle votes once, so the phrases every text repeats do not decide.
    # (Sorted and compared with the next, as np.unique does, without its overhead.)
    shingles.sort()
    distinct = np.empty(len(shingles), bool)
    distinct[0] = True
    np.not_equal(shingles[1:], shingles[:-1], out=distinct[1:])
    shingles = shingles[distinct]
    shingles ^= shingles >> np.uint64(33)
    shingles *= _MIX
    shingles ^= shingles >> np.uint64(29)
    bits = np.unpackbits(shingles.view(np.uint8)).reshape(-1, 64)
    votes = bits.sum(axis=0) * 2 > len(shingles)
    return int(np.packbits(votes).view(">i8")[0])


_K1, _MIX = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xFF51AFD7ED558CCD)


# Words seen, with their hashes: a dict lookup is the cheapest step per word. Emptied when
# full, so a long load's memory stays flat.
_word_hashes = {}
WORD_HASHES_KEPT = 200_000


def _word_hash(word):
    if len(_word_hashes) >= WORD_HASHES_KEPT:
        _word_hashes.clear()
    data = word.encode()
    value = _word_hashes[word] = zlib.crc32(data) << 32 | zlib.crc32(data, 0x9E3779B9)
    return value


def bands(signed_hash):
    """The four 16-bit bands of a SimHash, as stored in the indexed band columns."""
    if signed_hash is None:
        return [None] * 4
    unsigned = signed_hash & 0xFFFFFFFFFFFFFFFF
    # Written out: the loader asks for the bands of every article it stores and compares.
    return [unsigned & 0xFFFF, unsigned >> 16 & 0xFFFF, unsigned >> 32 & 0xFFFF, unsigned >> 48]


def near(a, b):
    return bin((a ^ b) & 0xFFFFFFFFFFFFFFFF).count("1") <= NEAR_DUPLICATE_BITS


def band_values(hashes):
    """The values of each band among these SimHashes (sorted, each once): what an indexed
    lookup of the articles sharing a band with any of them asks each band column for."""
    values = [set(), set(), set(), set()]
    for signed_hash in hashes:
        for band, value in enumerate(bands(signed_hash)):
            values[band].add(value)
    return [sorted(band) for band in values]


def near_duplicates(articles, older):
    """{id: the id of the article it nearly duplicates} for those of `articles` that
    nearly duplicate another.

    `articles` and `older` are (id, SimHash, id of the original or None) triples: `articles`
    in the order they were stored, `older` the articles stored before them that share a band
    with one of them (the only ones that can be near), by id. An article is compared with
    the older ones, then with those of `articles` before it, band by band, and duplicates the
    first within NEAR_DUPLICATE_BITS bits; never its own original or a translation of it.
    """
    by_band = {}  # (band, value) → the articles having it, in the order they were seen
    for article in older:
        for key in enumerate(bands(article[1])):
            by_band.setdefault(key, []).append(article)
    found = {}
    for article in articles:
        pk, value, original = article
        group = original or pk
        keys = list(enumerate(bands(value)))
        near_pk = next(
            (
                other_pk
                for key in keys
                for other_pk, other_value, other_original in by_band.get(key, ())
                if group not in (other_pk, other_original) and near(value, other_value)
            ),
            None,
        )
        if near_pk is not None:
            found[pk] = near_pk
        for key in keys:
            by_band.setdefault(key, []).append(article)
    return found
