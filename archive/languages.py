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
