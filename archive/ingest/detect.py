"""Language identification, with lingua restricted to the archive's languages.

lingua was chosen over langdetect and langid because it is deterministic and stays accurate
on short texts (headings, headlines), which telling paragraphs apart depends on. Paragraphs
of a whole batch of articles are detected in one call that runs on every core.
"""

import multiprocessing
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage

# Below this many characters a paragraph is a heading or a fragment: it is read with every
# model lingua has, and it takes its neighbours' language unless lingua is confident.
SHORT_PARAGRAPH_CHARS = 60
CONFIDENT = 0.9
# Longer paragraphs are read from their first characters with lingua's trigram-only mode:
# on the seeds it agrees with a full reading on every paragraph, at a sixth of the cost.
SAMPLE_CHARS = 120


@lru_cache(maxsize=4)
def _detectors(codes):
    try:
        languages = [LinguaLanguage.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in codes]
    except ValueError as error:
        raise ImproperlyConfigured(f"ARCHIVE_LANGUAGES has an unknown code: {error}") from None
    if len(languages) < 2:
        raise ImproperlyConfigured("ARCHIVE_LANGUAGES needs at least two languages.")
    builder = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models()
    fast = (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
    )
    return builder.build(), fast.build()


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
        results.append(in_context(flat[start : start + len(paragraphs)]))
        start += len(paragraphs)
    return results


def read_languages(texts):
    """(code or None, confidence) for each text, all read in two calls that use every core.

    Long texts are read from a sample in trigram-only mode and count as confident; short
    ones are read whole with every model, and their confidence says how sure lingua is.
    """
    accurate, fast = _detectors(tuple(settings.ARCHIVE_LANGUAGES))
    long_texts = [text[:SAMPLE_CHARS] for text in texts if len(text) >= SHORT_PARAGRAPH_CHARS]
    short_texts = [text for text in texts if len(text) < SHORT_PARAGRAPH_CHARS]
    if multiprocessing.parent_process() is None:
        long_found = iter(fast.detect_languages_in_parallel_of(long_texts))
        short_found = iter(accurate.compute_language_confidence_values_in_parallel(short_texts))
    else:
        # In a loader worker every core is already busy: threads would only contend.
        long_found = iter([fast.detect_language_of(text) for text in long_texts])
        short_found = iter([accurate.compute_language_confidence_values(t) for t in short_texts])
    found = []
    for text in texts:
        if len(text) >= SHORT_PARAGRAPH_CHARS:
            found.append((_code(next(long_found)), 1.0))
            continue
        values = next(short_found)
        if values and values[0].value > 0:
            found.append((_code(values[0].language), values[0].value))
        else:
            found.append((None, 0.0))
    return found


def in_context(found):
    """Languages for consecutive paragraphs: an unsure one takes its neighbours'."""
    return [_in_context(found, index) for index in range(len(found))]


def _in_context(found, index):
    code, confidence = found[index]
    if confidence >= CONFIDENT:
        return code
    before = next((c for c, v in reversed(found[:index]) if c and v >= CONFIDENT), None)
    after = next((c for c, v in found[index + 1 :] if c and v >= CONFIDENT), None)
    # A heading introduces what follows it, so the next paragraph has the casting vote.
    return after or before or code
