"""The languages the archive knows by name, keyed by ISO 639-1 code."""

KNOWN_LANGUAGES = {
    "nl": ("Dutch", "Nederlands"),
    "fr": ("French", "Français"),
    "en": ("English", "English"),
    "vi": ("Vietnamese", "Tiếng Việt"),
    "zh": ("Chinese", "中文"),
    "de": ("German", "Deutsch"),
    "es": ("Spanish", "Español"),
    "ru": ("Russian", "Русский"),
    "ja": ("Japanese", "日本語"),
    "ko": ("Korean", "한국어"),
}


def language_for_code(code):
    """The Language row for an ISO 639-1 code, created on first use."""
    from archive.models import Language

    english, native = KNOWN_LANGUAGES.get(code, (code, code))
    language, _ = Language.objects.get_or_create(
        code=code, defaults={"name_en": english, "name_native": native}
    )
    return language
