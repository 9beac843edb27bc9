"""What identifies the running code and its page settings, for whatever is kept across
restarts (the whole pages in a shared cache): a page rendered by other templates, other
static file names or another page size must not be served after a release."""

import functools
import hashlib
from pathlib import Path

from django.conf import settings

# What a page is made of: its templates, the static files it names by their hashed names,
# and the code that renders it.
SOURCES = ("templates", "static", "archive", "config")
SUFFIXES = {".html", ".txt", ".xml", ".css", ".js", ".svg", ".py"}


@functools.cache
def release():
    """A digest of the page-making files and of the archive's own settings, computed once a
    process (some 200 files: a few milliseconds)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in SOURCES:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    names = sorted(name for name in dir(settings) if name.startswith("ARCHIVE_"))
    archive_settings = [(name, repr(getattr(settings, name))) for name in names]
    digest.update(repr(archive_settings).encode())
    return digest.hexdigest()[:16]
