"""Turning files into articles.

For now each file is one article: its first line is the headline when it looks like one,
otherwise the title is the first sentence. The ingest issue teaches this module structure,
front matter, JSON Lines and per-paragraph languages.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from archive.ingest.detect import detect_language
from archive.languages import KNOWN_LANGUAGES
from archive.models import Article, Language

ARTICLE_SUFFIXES = {".txt", ".md"}
HEADLINE_MAX_CHARS = 200
DERIVED_TITLE_MAX_CHARS = 150


class IngestError(Exception):
    """A file that cannot become an article; the message says why, for the person loading."""


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # "created", "skipped" or "failed"
    detail: str = ""
    article: Article | None = None


def article_ingest(*, path):
    """Load one file as one article, in its own transaction. Never raises for a bad file."""
    shown_path = _display_path(path)
    try:
        text = _read_text(path)
        content_hash = hashlib.sha256(text.encode()).hexdigest()
        existing = Article.objects.filter(content_hash=content_hash).first()
        if existing:
            return Outcome(shown_path, "skipped", f"already loaded as #{existing.pk}", existing)
        with transaction.atomic():
            article = _article_create(text=text, content_hash=content_hash, source=shown_path)
    except IngestError as error:
        return Outcome(shown_path, "failed", str(error))
    except IntegrityError:
        # Another loader stored the same text between our check and our insert.
        return Outcome(shown_path, "skipped", "already loaded")
    detail = f"#{article.pk} [{article.language.code}] {article.title}"
    return Outcome(shown_path, "created", detail, article)


def articles_load(*, paths):
    """Load every article file under `paths` (files or folders), yielding one Outcome each."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in ARTICLE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for file in files:
                yield article_ingest(path=file)
        elif path.exists():
            yield article_ingest(path=path)
        else:
            yield Outcome(_display_path(path), "failed", "no such file or folder")


def normalise_text(text):
    """NFC, Unix line ends, no trailing spaces on lines, no blank lines at either end."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _read_text(path):
    try:
        size = path.stat().st_size
        if size > settings.ARCHIVE_MAX_FILE_BYTES:
            raise IngestError(
                f"file is {size:,} bytes, over the {settings.ARCHIVE_MAX_FILE_BYTES:,}-byte limit"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise IngestError(f"cannot read the file: {error.strerror or error}") from None
    if b"\x00" in raw:
        raise IngestError("binary file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise IngestError(f"line {line}: not valid UTF-8 (byte {error.start})") from None
    text = normalise_text(text)
    if not text.strip():
        raise IngestError("empty file")
    return text


def _article_create(*, text, content_hash, source):
    code = detect_language(text)
    if code is None:
        raise IngestError("cannot tell the language: the file has no words")
    title, body = _split_title(text)
    return Article.objects.create(
        title=title,
        body=body,
        language=_language(code),
        source_path=source,
        content_hash=content_hash,
    )


def _split_title(text):
    first_line, _, rest = text.partition("\n")
    first_line = first_line.strip()
    if rest.strip() and len(first_line) <= HEADLINE_MAX_CHARS and not first_line.endswith("."):
        return first_line, rest.strip()
    return _first_sentence(text), text


def _first_sentence(text):
    sentence = re.split(r"(?<=[.!?。！？])\s", text.strip(), maxsplit=1)[0].split("\n")[0]
    if len(sentence) <= DERIVED_TITLE_MAX_CHARS:
        return sentence
    cut = sentence[:DERIVED_TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return f"{cut}…"


def _language(code):
    english, native = KNOWN_LANGUAGES.get(code, (code, code))
    language, _ = Language.objects.get_or_create(
        code=code, defaults={"name_en": english, "name_native": native}
    )
    return language


def _display_path(path):
    path = Path(path).absolute()
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)
