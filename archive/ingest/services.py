"""Loading files of articles into the archive.

`articles_load` walks files and folders: catalogues first, then text files (one transaction
each) and JSON Lines files (one savepoint per record, committed in batches). Each article is
stored by `article_store`, which decides between created, updated, unchanged and duplicate and
never overwrites what an editor changed.
"""

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from archive.ingest import fingerprint
from archive.ingest.catalogue import CATALOGUE_FILENAME, catalogue_load
from archive.ingest.metadata import (
    Metadata,
    metadata_from_mapping,
    parse_yaml,
    split_front_matter,
)
from archive.ingest.reading import IngestError, decode, normalise, read_text_file
from archive.ingest.structure import parse
from archive.ingest.tagging import Tagger
from archive.languages import language_for_code
from archive.models import Article, Event, TagSuggestion, Topic

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl"}
SIDECAR_SUFFIXES = (".yaml", ".yml")
JSONL_BATCH = 500
# Part of every source hash: a loader that reads files differently updates what it loaded.
PARSER_VERSION = "2"


class Status:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    CATALOGUE = "catalogue"
    ALL = (CREATED, UPDATED, UNCHANGED, DUPLICATE, FAILED)


@dataclass
class Outcome:
    path: str
    status: str
    detail: str = ""
    article: Article | None = None
    line: int | None = None
    warnings: list[str] = field(default_factory=list)
    near_duplicate_of: int | None = None

    @property
    def where(self):
        return f"{self.path}:{self.line}" if self.line else self.path


def articles_load(*, paths, dry_run=False, on_progress=None) -> Iterator[Outcome]:
    """Load every article file under `paths`, yielding one Outcome per article or failure.

    With `dry_run`, everything happens inside one transaction that is rolled back at the end,
    so the outcomes are exactly those of a real load.
    """
    catalogues, files, missing = _discover([Path(p) for p in paths])
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        for path in missing:
            yield Outcome(display_path(path), Status.FAILED, "no such file or folder")
        for path in catalogues:
            yield _catalogue_outcome(path)
        tagger = Tagger()
        for path in files:
            suffix = path.suffix.lower()
            if suffix in TEXT_SUFFIXES:
                yield from text_file_ingest(path=path, tagger=tagger)
            elif suffix in JSONL_SUFFIXES:
                yield from jsonl_file_ingest(path=path, tagger=tagger)
            else:
                yield Outcome(
                    display_path(path), Status.FAILED, "not an article file (.txt, .md, .jsonl)"
                )
            if on_progress:
                on_progress(_size(path))
        translations_resolve()
        if dry_run:
            transaction.set_rollback(True)


def text_file_ingest(*, path, tagger) -> list[Outcome]:
    """One article file (a text and its translations), in one transaction."""
    shown = display_path(path)
    warnings = []
    try:
        source = read_text_file(path)
        warnings += source.warnings
        front_matter, text, _ = split_front_matter(source.text)
        sidecar, sidecar_text = _sidecar(path)
        metadata = front_matter.over(sidecar)
        warnings += metadata.warnings
        source_hash = _hash(source.text, sidecar_text)
        with transaction.atomic():
            outcomes = _articles_store(
                text=text,
                metadata=metadata,
                source_path=shown,
                base_key=metadata.url or shown,
                source_hash=source_hash,
                tagger=tagger,
                origin=path.parent,
            )
    except IngestError as error:
        return [Outcome(shown, Status.FAILED, str(error), warnings=warnings)]
    outcomes[0].warnings = warnings + outcomes[0].warnings
    return outcomes


def jsonl_file_ingest(*, path, tagger) -> Iterator[Outcome]:
    """One article per line. A bad line is reported and skipped; the others load.

    Records are committed in batches of JSONL_BATCH, each in its own savepoint, so memory
    stays flat and a failing record leaves nothing of itself behind.
    """
    shown = display_path(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Outcome(shown, Status.FAILED, f"cannot read the file: {error.strerror or error}")
        return
    with handle:
        records = _jsonl_lines(handle)
        while batch := list(islice(records, JSONL_BATCH)):
            with transaction.atomic():
                for line_number, raw in batch:
                    yield from _jsonl_record_ingest(raw, line_number, shown, tagger, path.parent)


def _jsonl_record_ingest(raw, line_number, shown, tagger, origin):
    try:
        if raw is None:
            raise IngestError(f"record is over the {settings.ARCHIVE_MAX_FILE_BYTES:,}-byte limit")
        try:
            record = json.loads(raw)
        except UnicodeDecodeError:
            raise IngestError("not UTF-8, as JSON Lines must be") from None
        except json.JSONDecodeError as error:
            raise IngestError(f"malformed JSON: {error.msg} (column {error.colno})") from None
        if not isinstance(record, dict):
            raise IngestError("a record must be a JSON object")
        metadata = metadata_from_mapping(record, extra_fields=("body", "id"))
        body = record.get("body")
        if not isinstance(body, str) or not body.strip():
            raise IngestError("a record needs a non-empty text 'body'")
        record_id = str(record.get("id") or "").strip()
        with transaction.atomic():
            outcomes = _articles_store(
                text=normalise(body),
                metadata=metadata,
                source_path=shown,
                base_key=metadata.url
                or (f"{shown}#{record_id}" if record_id else f"{shown}:{line_number}"),
                source_hash=_hash(raw.decode("utf-8")),
                tagger=tagger,
                origin=origin,
            )
    except IngestError as error:
        return [Outcome(shown, Status.FAILED, str(error), line=line_number)]
    for outcome in outcomes:
        outcome.line = line_number
    outcomes[0].warnings = list(metadata.warnings) + outcomes[0].warnings
    return outcomes


def _articles_store(*, text, metadata, source_path, base_key, source_hash, tagger, origin):
    parsed_articles = parse(
        text,
        language=metadata.language or None,
        title=metadata.title,
        subtitle=metadata.subtitle,
    )
    if not parsed_articles:
        raise IngestError("cannot tell the language: the text has no words to go by")
    outcomes = []
    original = None
    keys = set()
    for index, parsed in enumerate(parsed_articles):
        key = base_key if index == 0 else f"{base_key}#{parsed.language}"
        while key in keys:
            key += "+"
        keys.add(key)
        outcome = article_store(
            parsed=parsed,
            metadata=metadata if index == 0 else _translation_metadata(metadata),
            source_path=source_path,
            source_key=key,
            source_hash=source_hash,
            translation_of=original,
            tagger=tagger,
            origin=origin,
        )
        if index == 0:
            original = outcome.article
        outcomes.append(outcome)
    return outcomes


def _translation_metadata(metadata):
    """What a file's metadata says of the translations it also holds: date and source."""
    return Metadata(
        published=metadata.published,
        date_precision=metadata.date_precision,
        date_approximate=metadata.date_approximate,
        source=metadata.source,
        topics=metadata.topics,
        events=metadata.events,
    )


def article_store(
    *, parsed, metadata, source_path, source_key, source_hash, translation_of, tagger, origin
):
    """Create or update one article from its parsed text and metadata."""
    text_hash = fingerprint.content_hash(
        parsed.title, parsed.title_en, parsed.standfirst, parsed.running_text
    )
    existing = Article.objects.filter(source_key=source_key).first()
    if existing and existing.source_hash == source_hash:
        return Outcome(source_path, Status.UNCHANGED, f"#{existing.pk}", existing)
    duplicate = Article.objects.filter(content_hash=text_hash)
    if existing:
        duplicate = duplicate.exclude(pk=existing.pk)
    duplicate = duplicate.first()
    if duplicate:
        detail = f"same text as #{duplicate.pk} ({duplicate.source_path}); not stored again"
        return Outcome(source_path, Status.DUPLICATE, detail, duplicate)

    article = existing or Article(source_key=source_key)
    edited = set(article.edited_fields)

    def keep_or_set(name, value):
        if name not in edited:
            setattr(article, name, value)

    if "title" not in edited:
        article.title = parsed.title
        article.title_is_derived = parsed.title_is_derived
    keep_or_set("title_en", parsed.title_en)
    keep_or_set("standfirst", parsed.standfirst)
    keep_or_set("blocks", parsed.blocks)
    if "language" not in edited:
        article.language = language_for_code(parsed.language)
    if metadata.published and not edited & {"published", "date_precision"}:
        article.published = metadata.published
        article.date_precision = metadata.date_precision
    if metadata.date_approximate is not None:
        keep_or_set("date_approximate", metadata.date_approximate)
    if metadata.source:
        keep_or_set("source_name", metadata.source)
    if metadata.url:
        keep_or_set("source_url", metadata.url)
    if translation_of is not None:
        article.translation_of = translation_of
    elif metadata.translation_of:
        article.translation_of_ref = _reference(metadata.translation_of, origin)
    article.source_path = source_path
    article.source_hash = source_hash
    article.content_hash = text_hash
    _fingerprint_set(article, parsed)
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError as error:
        raise IngestError(f"cannot be stored: {error}") from None

    warnings = _metadata_tags_add(article, metadata)
    suggestions_refresh(article=article, tagger=tagger)
    near = _near_duplicate_flag(article)
    status = Status.UPDATED if existing else Status.CREATED
    detail = f"#{article.pk} [{parsed.language}] {article.title}"
    if near:
        detail += f" (near duplicate of #{near})"
    return Outcome(source_path, status, detail, article, warnings=warnings, near_duplicate_of=near)


def suggestions_refresh(*, article, tagger):
    """Replace the article's suggestions with what its text suggests now."""
    article.suggestions.all().delete()
    confirmed_topics = set(article.topics.values_list("pk", flat=True))
    confirmed_events = set(article.events.values_list("pk", flat=True))
    suggestions = tagger.suggest(
        language=article.language.code,
        texts=[article.title, article.title_en, article.standfirst]
        + [block["text"] for block in article.blocks],
        published=article.published,
        precision=article.date_precision,
    )
    TagSuggestion.objects.bulk_create(
        TagSuggestion(
            article=article,
            topic_id=s.topic_id,
            event_id=s.event_id,
            matched_words=list(s.words),
        )
        for s in suggestions
        if s.topic_id not in confirmed_topics and s.event_id not in confirmed_events
    )


def translations_resolve():
    """Link articles whose metadata named an original that has been loaded since."""
    pending = Article.objects.filter(translation_of__isnull=True).exclude(translation_of_ref="")
    for article in pending:
        ref = article.translation_of_ref
        original = (
            Article.objects.filter(Q(source_url=ref) | Q(source_path=ref) | Q(source_key=ref))
            .exclude(pk=article.pk)
            .order_by("pk")
            .first()
        )
        if original:
            article.translation_of = original.translation_of or original
            article.save(update_fields=["translation_of"])


def display_path(path):
    """Paths inside the project are shown (and stored) relative to it."""
    path = Path(path).absolute()
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


def _discover(paths):
    catalogues, files, missing = [], [], []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in found.relative_to(path).parts):
                    continue
                if found.name == CATALOGUE_FILENAME:
                    catalogues.append(found)
                elif found.is_file() and found.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
                    files.append(found)
        elif path.name == CATALOGUE_FILENAME and path.is_file():
            catalogues.append(path)
        elif path.exists():
            files.append(path)
        else:
            missing.append(path)
    return catalogues, files, missing


def _catalogue_outcome(path):
    try:
        report = catalogue_load(path=path)
    except IngestError as error:
        return Outcome(display_path(path), Status.FAILED, str(error))
    return Outcome(display_path(path), Status.CATALOGUE, str(report))


def _sidecar(path):
    """Metadata from NAME.yaml next to NAME.txt, for files that cannot carry front matter."""
    for suffix in SIDECAR_SUFFIXES:
        sidecar = path.with_suffix(suffix)
        if sidecar.is_file():
            text = decode(sidecar.read_bytes()).text
            try:
                return parse_yaml(text), text
            except IngestError as error:
                raise IngestError(f"in {sidecar.name}: {error}") from None
    return Metadata(), ""


def _jsonl_lines(handle):
    """(line number, bytes) per non-blank line; None for a line over the size limit."""
    limit = settings.ARCHIVE_MAX_FILE_BYTES
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        elif line.strip():
            yield number, line


def _hash(*texts):
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()


def _reference(ref, origin):
    """A translation_of that names a file is stored as that file's path as the loader shows it."""
    if "://" in ref:
        return ref
    return display_path((origin / ref).resolve())


def _fingerprint_set(article, parsed):
    value = fingerprint.simhash(parsed.running_text)
    article.simhash = value
    for band, band_value in enumerate(
        fingerprint.bands(value) if value is not None else [None] * 4
    ):
        setattr(article, f"simhash_band_{band}", band_value)


def _near_duplicate_flag(article):
    if article.simhash is None or article.near_duplicate_of_id:
        return article.near_duplicate_of_id
    same_band = Q()
    for band in range(4):
        same_band |= Q(**{f"simhash_band_{band}": getattr(article, f"simhash_band_{band}")})
    group = article.translation_of_id or article.pk
    candidates = (
        Article.objects.filter(same_band)
        .exclude(pk=article.pk)
        .exclude(translation_of_id=group)
        .exclude(pk=group)
        .order_by("pk")
        .values_list("pk", "simhash")[:50]
    )
    for pk, other in candidates:
        if other is not None and fingerprint.near(article.simhash, other):
            article.near_duplicate_of_id = pk
            article.save(update_fields=["near_duplicate_of"])
            return pk
    return None


def _metadata_tags_add(article, metadata):
    """Tags named in the file's own metadata are confirmed tags; unknown names are warned of."""
    warnings = []
    for names, model, relation in (
        (metadata.topics, Topic, article.topics),
        (metadata.events, Event, article.events),
    ):
        for name in names:
            found = model.objects.filter(Q(slug=name) | Q(name__iexact=name)).first()
            if found:
                relation.add(found)
            else:
                warnings.append(f"unknown {model._meta.verbose_name} {name!r} ignored")
    return warnings


def _size(path):
    try:
        return path.stat().st_size
    except OSError:
        return 0
