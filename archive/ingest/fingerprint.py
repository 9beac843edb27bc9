"""Fingerprints of an article's text: exact (SHA-256) and approximate (SimHash).

SimHash over word shingles maps texts that differ in a few words to 64-bit numbers that
differ in a few bits; four 16-bit bands make "within three bits" an indexed lookup.
"""

import hashlib
import re

SHINGLE_WORDS = 3
NEAR_DUPLICATE_BITS = 3
# Below this the SimHash of a text swings with every word; such texts are not compared.
MIN_WORDS_FOR_SIMHASH = 40
WORD = re.compile(r"\w+")


def content_hash(*parts):
    """Equal for texts that differ only in case and spacing."""
    normalised = "\n".join(" ".join(part.casefold().split()) for part in parts)
    return hashlib.sha256(normalised.encode()).hexdigest()


def simhash(text):
    """A signed 64-bit SimHash of the text's word shingles, or None for short texts."""
    words = WORD.findall(text.casefold())
    if len(words) < MIN_WORDS_FOR_SIMHASH:
        return None
    shingles = {
        " ".join(words[start : start + SHINGLE_WORDS])
        for start in range(len(words) - SHINGLE_WORDS + 1)
    }
    bits = [
        format(int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest()), "064b")
        for s in shingles
    ]
    # Column-wise majority vote, done by zip in C rather than bit by bit in Python.
    half = len(bits) / 2
    unsigned = int(
        "".join("1" if column.count("1") > half else "0" for column in zip(*bits, strict=False)), 2
    )
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def bands(signed_hash):
    """The four 16-bit bands of a SimHash, as stored in the indexed band columns."""
    unsigned = signed_hash & 0xFFFFFFFFFFFFFFFF
    return [(unsigned >> (16 * band)) & 0xFFFF for band in range(4)]


def near(a, b):
    return bin((a ^ b) & 0xFFFFFFFFFFFFFFFF).count("1") <= NEAR_DUPLICATE_BITS
