"""Loading files of articles into the archive.

`articles_load` walks files and folders: catalogues first, then text files (one transaction
each, translations included) and JSON Lines files (batches of records, committed together;
when a batch meets a database error, its records are retried one savepoint each so that only
the bad one is lost). `records_store` turns records into articles: it parses them with their
languages detected in one call, decides between created, updated, unchanged and duplicate,
never overwrites what an editor changed, and stores suggestions and near-duplicate flags.
"""

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
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
from archive.ingest.structure import ParseRequest, parse_many
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


@dataclass
class Record:
    """One unit of input: a text file, or a line of a JSON Lines file."""

    path: str
    text: str
    metadata: Metadata
    key: str
    source_hash: str
    origin: Path
    line: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Draft:
    record: Record
    parsed: object
    key: str
    original: "_Draft | None"
    article: Article | None = None
    content_hash: str = ""
    outcome: Outcome | None = None
    warnings: list[str] = field(default_factory=list)


class LoadContext:
    """What a whole load shares: the compiled catalogue and lookups of languages and tags."""

    def __init__(self):
        self.tagger = Tagger()
        self._languages = {}
        self._tags = {}

    def language(self, code):
        if code not in self._languages:
            self._languages[code] = language_for_code(code)
        return self._languages[code]

    def tag(self, model, name):
        key = (model, name)
        if key not in self._tags:
            self._tags[key] = model.objects.filter(Q(slug=name) | Q(name__iexact=name)).first()
        return self._tags[key]


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
        context = LoadContext()
        for path in files:
            suffix = path.suffix.lower()
            if suffix in TEXT_SUFFIXES:
                yield from text_file_ingest(path=path, context=context)
            elif suffix in JSONL_SUFFIXES:
                yield from jsonl_file_ingest(path=path, context=context)
            else:
                yield Outcome(
                    display_path(path), Status.FAILED, "not an article file (.txt, .md, .jsonl)"
                )
            if on_progress:
                on_progress(1)
        translations_resolve()
        if dry_run:
            transaction.set_rollback(True)


def text_file_ingest(*, path, context) -> list[Outcome]:
    """One article file (a text and its translations), in one transaction."""
    shown = display_path(path)
    warnings = []
    try:
        source = read_text_file(path)
        warnings += source.warnings
        front_matter, text, _ = split_front_matter(source.text)
        sidecar, sidecar_text = _sidecar(path)
        metadata = front_matter.over(sidecar)
        record = Record(
            path=shown,
            text=text,
            metadata=metadata,
            key=metadata.url or shown,
            source_hash=_hash(source.text, sidecar_text),
            origin=path.parent,
            warnings=warnings + list(metadata.warnings),
        )
        with transaction.atomic():
            return records_store(records=[record], context=context)
    except IngestError as error:
        return [Outcome(shown, Status.FAILED, str(error), warnings=warnings)]
    except DatabaseError as error:
        return [Outcome(shown, Status.FAILED, f"cannot be stored: {error}", warnings=warnings)]


def jsonl_file_ingest(*, path, context) -> Iterator[Outcome]:
    """One article per line. A bad line is reported and skipped; the others load.

    Memory stays flat: lines are read and stored JSONL_BATCH at a time.
    """
    shown = display_path(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        yield Outcome(shown, Status.FAILED, f"cannot read the file: {error.strerror or error}")
        return
    with handle:
        lines = _jsonl_lines(handle)
        while batch := list(islice(lines, JSONL_BATCH)):
            records, outcomes = [], []
            for line_number, raw in batch:
                try:
                    records.append(_jsonl_record(raw, line_number, shown, path.parent))
                except IngestError as error:
                    outcomes.append(Outcome(shown, Status.FAILED, str(error), line=line_number))
            outcomes += _records_store_safely(records, context)
            yield from sorted(outcomes, key=lambda outcome: outcome.line)


def _records_store_safely(records, context):
    """Store a batch together; on a database error, each record alone, losing only the bad."""
    try:
        with transaction.atomic():
            return records_store(records=records, context=context)
    except (DatabaseError, IngestError):
        outcomes = []
        for record in records:
            try:
                with transaction.atomic():
                    outcomes += records_store(records=[record], context=context)
            except (DatabaseError, IngestError) as error:
                outcomes.append(
                    Outcome(
                        record.path, Status.FAILED, f"cannot be stored: {error}", line=record.line
                    )
                )
        return outcomes


def _jsonl_record(raw, line_number, shown, origin):
    if raw is None:
        raise IngestError(f"record is over the {settings.ARCHIVE_MAX_FILE_BYTES:,}-byte limit")
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise IngestError("not UTF-8, as JSON Lines must be") from None
    except json.JSONDecodeError as error:
        raise IngestError(f"malformed JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(data, dict):
        raise IngestError("a record must be a JSON object")
    metadata = metadata_from_mapping(data, extra_fields=("body", "id"))
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise IngestError("a record needs a non-empty text 'body'")
    record_id = str(data.get("id") or "").strip()
    return Record(
        path=shown,
        text=normalise(body),
        metadata=metadata,
        key=metadata.url or (f"{shown}#{record_id}" if record_id else f"{shown}:{line_number}"),
        source_hash=_hash(raw.decode()),
        origin=origin,
        line=line_number,
        warnings=list(metadata.warnings),
    )


def records_store(*, records, context) -> list[Outcome]:
    """Parse records and store their articles; one Outcome per article or failed record.

    Runs inside the caller's transaction. Raises DatabaseError or IngestError when the
    records cannot be stored; the caller's transaction then leaves nothing of them behind.
    """
    parsed_lists = parse_many(
        [
            ParseRequest(r.text, r.metadata.language or None, r.metadata.title, r.metadata.subtitle)
            for r in records
        ]
    )
    drafts, failures = [], []
    keys_in_batch = {}
    for record, parsed_articles in zip(records, parsed_lists, strict=True):
        if not parsed_articles:
            failures.append(_failure(record, "cannot tell the language: no words to go by"))
            continue
        if record.key in keys_in_batch:
            failures.append(_failure(record, f"same id or url as line {keys_in_batch[record.key]}"))
            continue
        keys_in_batch[record.key] = record.line
        original, keys = None, set()
        for index, parsed in enumerate(parsed_articles):
            key = record.key if index == 0 else f"{record.key}#{parsed.language}"
            while key in keys:  # the same language twice in one file
                key += "+"
            keys.add(key)
            draft = _Draft(record, parsed, key, original)
            original = original or draft
            drafts.append(draft)
    _ArticleWriter(context, drafts).write()
    return failures + [draft.outcome for draft in drafts]


def _failure(record, reason):
    return Outcome(record.path, Status.FAILED, reason, line=record.line, warnings=record.warnings)


class _ArticleWriter:
    """Stores a batch of drafts with a handful of queries, whatever the batch's size."""

    def __init__(self, context, drafts):
        self.context = context
        self.drafts = drafts

    def write(self):
        drafts = self.drafts
        for draft in drafts:
            parsed = draft.parsed
            draft.content_hash = fingerprint.content_hash(
                parsed.title, parsed.title_en, parsed.standfirst, parsed.running_text
            )
        existing = {
            article.source_key: article
            for article in Article.objects.filter(source_key__in=[d.key for d in drafts])
        }
        # Who holds each text already: an article's pk, or a draft earlier in this batch.
        holders = dict(
            Article.objects.filter(content_hash__in=[d.content_hash for d in drafts]).values_list(
                "content_hash", "pk"
            )
        )
        created, updated, duplicates = [], [], []
        for draft in drafts:
            article = existing.get(draft.key)
            if article and article.source_hash == draft.record.source_hash:
                draft.article = article
                draft.outcome = self._outcome(draft, Status.UNCHANGED, f"#{article.pk}")
                continue
            holder = holders.get(draft.content_hash)
            if holder is not None and (article is None or holder != article.pk):
                duplicates.append((draft, holder))
                continue
            holders[draft.content_hash] = draft
            draft.article = self._apply(article or Article(source_key=draft.key), draft)
            (updated if article else created).append(draft)

        # Originals first, so that their translations can point at them.
        self._create([d for d in created if d.original is None])
        self._duplicates_resolve(duplicates)
        translations = [d for d in created if d.original is not None]
        for draft in translations:
            draft.article.translation_of_id = draft.original.article.pk
        self._create(translations)
        for draft in updated:
            if draft.original is not None:
                draft.article.translation_of_id = draft.original.article.pk
            draft.article.save()

        stored = created + updated
        self._metadata_tags_add(stored)
        self._suggestions_replace(stored, updated)
        self._near_duplicates_flag(stored)
        for draft in stored:
            status = Status.UPDATED if draft in updated else Status.CREATED
            detail = f"#{draft.article.pk} [{draft.parsed.language}] {draft.article.title}"
            if draft.article.near_duplicate_of_id:
                detail += f" (near duplicate of #{draft.article.near_duplicate_of_id})"
            draft.outcome = self._outcome(draft, status, detail)

    def _duplicates_resolve(self, duplicates):
        """Point each duplicate at the article that holds its text: stored, or just created."""
        stored = Article.objects.in_bulk([h for _, h in duplicates if not isinstance(h, _Draft)])
        for draft, holder in duplicates:
            draft.article = holder.article if isinstance(holder, _Draft) else stored[holder]
            source = draft.article.source_path
            if isinstance(holder, _Draft) and holder.record.line:
                source = f"{source}:{holder.record.line}"
            detail = f"same text as #{draft.article.pk} ({source}); not stored again"
            draft.outcome = self._outcome(draft, Status.DUPLICATE, detail)

    def _outcome(self, draft, status, detail):
        warnings = list(draft.record.warnings) if draft.original is None else []
        return Outcome(
            draft.record.path,
            status,
            detail,
            draft.article,
            line=draft.record.line,
            warnings=warnings + draft.warnings,
            near_duplicate_of=draft.article.near_duplicate_of_id if draft.article else None,
        )

    def _apply(self, article, draft):
        parsed, metadata = draft.parsed, draft.record.metadata
        if draft.original is not None:
            metadata = _translation_metadata(metadata)
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
            article.language = self.context.language(parsed.language)
        if metadata.published and not edited & {"published", "date_precision"}:
            article.published = metadata.published
            article.date_precision = metadata.date_precision
        if metadata.date_approximate is not None:
            keep_or_set("date_approximate", metadata.date_approximate)
        if metadata.source:
            keep_or_set("source_name", metadata.source[:200])
        if metadata.url:
            keep_or_set("source_url", metadata.url)
        if metadata.translation_of and draft.original is None:
            article.translation_of_ref = _reference(metadata.translation_of, draft.record.origin)
        article.source_path = draft.record.path
        article.source_hash = draft.record.source_hash
        article.content_hash = draft.content_hash
        article.simhash = fingerprint.simhash(parsed.running_text)
        for band, value in enumerate(fingerprint.bands(article.simhash)):
            setattr(article, f"simhash_band_{band}", value)
        article.normalise_date()
        return article

    def _create(self, drafts):
        if drafts:
            Article.objects.bulk_create([draft.article for draft in drafts])

    def _metadata_tags_add(self, drafts):
        """Tags named in the file's own metadata are confirmed tags; unknown names warned of."""
        rows = {Topic: [], Event: []}
        for draft in drafts:
            metadata = draft.record.metadata
            for model, names in ((Topic, metadata.topics), (Event, metadata.events)):
                for name in names:
                    tag = self.context.tag(model, name)
                    if tag:
                        rows[model].append((draft.article.pk, tag.pk))
                    elif draft.original is None:
                        warning = f"unknown {model._meta.verbose_name} {name!r} ignored"
                        draft.warnings.append(warning)
        for model, relation in ((Topic, Article.topics), (Event, Article.events)):
            through = relation.through
            column = f"{model._meta.model_name}_id"
            through.objects.bulk_create(
                [through(article_id=a, **{column: t}) for a, t in rows[model]],
                ignore_conflicts=True,
            )

    def _suggestions_replace(self, drafts, updated):
        TagSuggestion.objects.filter(article__in=[d.article for d in updated]).delete()
        ids = [d.article.pk for d in drafts]
        confirmed = {
            ("topic", a, t)
            for a, t in Article.topics.through.objects.filter(article_id__in=ids).values_list(
                "article_id", "topic_id"
            )
        } | {
            ("event", a, e)
            for a, e in Article.events.through.objects.filter(article_id__in=ids).values_list(
                "article_id", "event_id"
            )
        }
        suggestions = []
        for draft in drafts:
            article = draft.article
            for found in self.context.tagger.suggest(
                language=article.language.code,
                texts=[article.title, article.title_en, article.standfirst]
                + [block["text"] for block in article.blocks],
                published=article.published,
                precision=article.date_precision,
            ):
                if ("topic", article.pk, found.topic_id) in confirmed:
                    continue
                if ("event", article.pk, found.event_id) in confirmed:
                    continue
                suggestions.append(
                    TagSuggestion(
                        article=article,
                        topic_id=found.topic_id,
                        event_id=found.event_id,
                        matched_words=list(found.words),
                    )
                )
        _suggestions_create(suggestions)

    def _near_duplicates_flag(self, drafts):
        """Flag each article whose SimHash is within a few bits of an older article's."""
        hashed = [d for d in drafts if d.article.simhash is not None]
        if not hashed:
            return
        same_band = Q()
        for band in range(4):
            values = {getattr(d.article, f"simhash_band_{band}") for d in hashed}
            same_band |= Q(**{f"simhash_band_{band}__in": values})
        own = [d.article.pk for d in hashed]
        # Band value → articles having it, first the stored ones, then this batch in order.
        by_band = {}
        candidates = Article.objects.filter(same_band).exclude(pk__in=own).order_by("pk")
        for pk, value, translation_of in candidates.values_list(
            "pk", "simhash", "translation_of_id"
        ):
            for band, band_value in enumerate(fingerprint.bands(value)):
                by_band.setdefault((band, band_value), []).append((pk, value, translation_of))
        flagged = []
        for draft in hashed:
            article = draft.article
            group = article.translation_of_id or article.pk
            article_bands = list(enumerate(fingerprint.bands(article.simhash)))
            if article.near_duplicate_of_id is None:
                near = next(
                    (
                        pk
                        for key in article_bands
                        for pk, value, translation_of in by_band.get(key, ())
                        if group not in (pk, translation_of)
                        and fingerprint.near(article.simhash, value)
                    ),
                    None,
                )
                if near is not None:
                    article.near_duplicate_of_id = near
                    flagged.append(article)
            for key in article_bands:
                by_band.setdefault(key, []).append(
                    (article.pk, article.simhash, article.translation_of_id)
                )
        Article.objects.bulk_update(flagged, ["near_duplicate_of"])


def _suggestions_create(suggestions):
    TagSuggestion.objects.bulk_create(suggestions)


def _translation_metadata(metadata):
    """What a file's metadata says of the translations it also holds: date, source, tags."""
    return Metadata(
        published=metadata.published,
        date_precision=metadata.date_precision,
        date_approximate=metadata.date_approximate,
        source=metadata.source,
        topics=metadata.topics,
        events=metadata.events,
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
    """A translation_of naming a file is kept as that file's path as the loader shows it."""
    if "://" in ref:
        return ref
    return display_path((origin / ref).resolve())
