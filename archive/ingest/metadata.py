"""What a file says about itself: YAML front matter, a sidecar file, or a JSON Lines record.

Every field is optional. Metadata wins over anything the loader infers from the text.
"""

import dataclasses
import datetime
import re

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from archive.dates import DatePrecision, parse_partial_date
from archive.ingest.reading import IngestError

FRONT_MATTER_FENCE = "---"
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
_validate_url = URLValidator(schemes=["http", "https"])


@dataclasses.dataclass(frozen=True)
class Metadata:
    title: str = ""
    subtitle: str = ""
    published: datetime.date | None = None
    date_precision: str = ""
    date_approximate: bool | None = None
    source: str = ""
    url: str = ""
    language: str = ""
    topics: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    translation_of: str = ""
    warnings: tuple[str, ...] = ()

    def over(self, other):
        """These values where set, the other's where not."""
        merged = {
            f.name: getattr(self, f.name) or getattr(other, f.name)
            for f in dataclasses.fields(self)
        }
        if self.date_approximate is not None:
            merged["date_approximate"] = self.date_approximate
        if self.published:
            merged["date_precision"] = self.date_precision
        merged["warnings"] = other.warnings + self.warnings
        return Metadata(**merged)


def split_front_matter(text):
    """(metadata, text after it, number of lines it took). No front matter: empty metadata."""
    lines = text.split("\n")
    if lines[0].strip() != FRONT_MATTER_FENCE:
        return Metadata(), text, 0
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in (FRONT_MATTER_FENCE, "..."):
            metadata = parse_yaml("\n".join(lines[1:index]), first_line=2)
            return metadata, "\n".join(lines[index + 1 :]), index + 1
    raise IngestError("front matter opened with '---' is never closed", line=1)


def parse_yaml(text, *, first_line=1):
    try:
        mapping = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(error, "problem", None) or "not valid YAML"
        if problem == "mapping values are not allowed here":
            problem += " (put quotes around a value that contains ': ')"
        raise IngestError(f"malformed front matter: {problem}", line=line) from None
    if not isinstance(mapping, dict):
        raise IngestError("front matter must be a mapping of field: value", line=first_line)
    return metadata_from_mapping(mapping, line=first_line)


def metadata_from_mapping(mapping, *, line=None, extra_fields=()):
    """Validate a mapping of metadata fields; unknown fields are ignored with a warning."""
    known = {f.name for f in dataclasses.fields(Metadata)} - {"published", "date_precision"}
    known |= {"date"} | set(extra_fields)
    known.discard("warnings")
    values = {}
    warnings = [f"unknown field {key!r} ignored" for key in mapping if key not in known]

    for name in ("title", "subtitle", "source", "translation_of"):
        values[name] = _text(mapping, name, line)
    values["url"] = _url(mapping, line)
    values["language"] = _language(mapping, line)
    values["topics"] = _names(mapping, "topics", line)
    values["events"] = _names(mapping, "events", line)
    if mapping.get("date") not in (None, ""):
        values["published"], values["date_precision"] = _date(mapping["date"], line)
    approximate = mapping.get("date_approximate")
    if approximate is not None:
        if not isinstance(approximate, bool):
            raise IngestError("date_approximate must be true or false", line=line)
        values["date_approximate"] = approximate
    return Metadata(**values, warnings=tuple(warnings))


def _text(mapping, name, line):
    value = mapping.get(name)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise IngestError(f"{name} must be text, not a list or a mapping", line=line)
    return " ".join(str(value).split())


def _url(mapping, line):
    url = _text(mapping, "url", line)
    if url:
        try:
            _validate_url(url)
        except ValidationError:
            raise IngestError(f"url {url!r} is not an http(s) address", line=line) from None
    return url


def _language(mapping, line):
    code = _text(mapping, "language", line).lower()
    if code and not LANGUAGE_CODE.match(code):
        raise IngestError(f"language {code!r} is not an ISO 639-1 code such as 'fr'", line=line)
    return code


def _names(mapping, name, line):
    value = mapping.get(name)
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise IngestError(f"{name} must be a list of names or slugs", line=line)
    return tuple(" ".join(str(v).split()) for v in value if str(v).strip())


def _date(value, line):
    # YAML reads 2025-06-05 as a date and 2025 as a number; 2025-06 stays text.
    if isinstance(value, datetime.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    try:
        return parse_partial_date(str(value))
    except ValueError as error:
        raise IngestError(str(error), line=line) from None
