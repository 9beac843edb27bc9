"""Language identification, with lingua restricted to the archive's languages.

lingua was chosen over langdetect and langid because it is deterministic and stays accurate
on short texts (headings, headlines), which the ingest of paragraphs depends on.
"""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage


@lru_cache(maxsize=4)
def _detector(codes):
    try:
        languages = [LinguaLanguage.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in codes]
    except ValueError as error:
        raise ImproperlyConfigured(f"ARCHIVE_LANGUAGES has an unknown code: {error}") from None
    if len(languages) < 2:
        raise ImproperlyConfigured("ARCHIVE_LANGUAGES needs at least two languages.")
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text):
    """The ISO 639-1 code of the text's language, or None when it has no words to go by."""
    detected = _detector(tuple(settings.ARCHIVE_LANGUAGES)).detect_language_of(text)
    return detected.iso_code_639_1.name.lower() if detected else None
