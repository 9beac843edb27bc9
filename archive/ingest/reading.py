"""From bytes on disk to clean text: limits, binary sniffing, decoding, normalisation."""

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes
from django.conf import settings

# The legacy encodings a decoded file may be in. charset-normalizer guesses among these only:
# left to choose among all it knows, it takes short French or Dutch text for Central
# European code pages.
LEGACY_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "cp1251", "cp1258", "gb18030", "big5"]
LEGACY_ENCODINGS += ["shift_jis", "euc_kr"]


class IngestError(Exception):
    """Input that cannot become an article; the message says why, for the person loading."""

    def __init__(self, message, *, line=None):
        super().__init__(message)
        self.line = line

    def __str__(self):
        message = super().__str__()
        return f"line {self.line}: {message}" if self.line else message


@dataclass
class SourceText:
    text: str
    warnings: list[str] = field(default_factory=list)


def read_text_file(path):
    """Read a whole text file, refusing what cannot be an article."""
    try:
        size = path.stat().st_size
        if size > settings.ARCHIVE_MAX_FILE_BYTES:
            raise IngestError(
                f"file is {size:,} bytes, over the {settings.ARCHIVE_MAX_FILE_BYTES:,}-byte limit"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise IngestError(f"cannot read the file: {error.strerror or error}") from None
    return decode(raw)


def decode(raw):
    """UTF-8 (with or without a byte order mark) or, with a warning, a legacy encoding."""
    if looks_binary(raw):
        raise IngestError("binary file, not text")
    warnings = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        guess = from_bytes(raw, cp_isolation=LEGACY_ENCODINGS).best()
        if guess is None:
            line = raw[: error.start].count(b"\n") + 1
            raise IngestError(
                f"not UTF-8 (byte {error.start}) and no legacy encoding fits", line=line
            ) from None
        text = str(guess)
        warnings.append(f"not UTF-8; decoded as {guess.encoding}")
    text = normalise(text)
    if not text.strip():
        raise IngestError("empty file")
    return SourceText(text, warnings)


def looks_binary(raw):
    """NUL bytes, or many control characters in the first few kilobytes."""
    head = raw[:8192]
    if b"\x00" in head or b"\x00" in raw:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f\v\x1b")
    return bool(head) and controls / len(head) > 0.05


def normalise(text):
    """NFC, Unix line ends, no trailing blanks, no blank lines at either end.

    Typography (curly quotes, dashes, non-breaking spaces) is left as written.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def display_path(path):
    """Paths inside the project are shown (and stored) relative to it."""
    path = Path(path).absolute()
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


def reference(ref, origin):
    """A file named in metadata, as the loader shows it; a URL as it is."""
    if not ref or "://" in ref:
        return ref
    return display_path((Path(origin) / ref).resolve())
