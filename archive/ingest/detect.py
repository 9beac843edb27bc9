"""Language identification, with lingua restricted to the archive's languages.

lingua was chosen over langdetect and langid because it is deterministic and stays accurate
on short texts (headings, headlines), which telling paragraphs apart depends on.
"""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage

# Below this many characters a paragraph is a heading or a fragment, and detection on its own
# is a guess: it takes its neighbours' language unless lingua is confident.
SHORT_PARAGRAPH_CHARS = 60
CONFIDENT = 0.9
# Detection reads this much of a paragraph; more text costs time and changes no answer.
SAMPLE_CHARS = 400


@lru_cache(maxsize=4)
def _detector(codes):
    try:
        languages = [LinguaLanguage.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in codes]
    except ValueError as error:
        raise ImproperlyConfigured(f"ARCHIVE_LANGUAGES has an unknown code: {error}") from None
    if len(languages) < 2:
        raise ImproperlyConfigured("ARCHIVE_LANGUAGES needs at least two languages.")
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def detector():
    return _detector(tuple(settings.ARCHIVE_LANGUAGES))


def _code(language):
    return language.iso_code_639_1.name.lower() if language else None


def detect_language(text):
    """The ISO 639-1 code of the text's language, or None when it has no words to go by."""
    return _code(detector().detect_language_of(text[:SAMPLE_CHARS]))


def paragraph_languages(paragraphs):
    """One language code (or None) per paragraph, short ones read in their context."""
    found = []
    for text in paragraphs:
        if len(text) >= SHORT_PARAGRAPH_CHARS:
            found.append((_code(detector().detect_language_of(text[:SAMPLE_CHARS])), 1.0))
            continue
        values = detector().compute_language_confidence_values(text)
        if values and values[0].value > 0:
            found.append((_code(values[0].language), values[0].value))
        else:
            found.append((None, 0.0))
    return [_in_context(found, index) for index in range(len(found))]


def _in_context(found, index):
    code, confidence = found[index]
    if confidence >= CONFIDENT:
        return code
    before = next((c for c, v in reversed(found[:index]) if c and v >= CONFIDENT), None)
    after = next((c for c, v in found[index + 1 :] if c and v >= CONFIDENT), None)
    # A heading introduces what follows it, so the next paragraph has the casting vote.
    return after or before or code
