"""Loading files of articles into the archive.

`articles_load` walks files and folders: catalogues first, then text files (one transaction
each, translations included) and JSON Lines files (batches of records committed together;
when a batch meets a database error, its records are retried one savepoint each so that only
the bad one is lost). Records are prepared by `archive.ingest.prepare` (in worker processes
for large files) and written by `archive.ingest.store`.

Loads may run side by side, and may be killed: every batch is one transaction, so what a
killed load leaves is whole batches, which the next load of the same files finds unchanged.
A batch that meets another load's transaction waits for it, and is tried again if the wait
ends in an error that says "try again" (SQLite's lock timeout, a PostgreSQL deadlock).
"""

import contextlib
import dataclasses
import itertools
import random
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from archive.db import bulk_writes, contended, statistics_refresh
from archive.ingest.catalogue import CATALOGUE_FILENAME, catalogue_load
from archive.ingest.metadata import Metadata, parse_yaml, split_front_matter
from archive.ingest.prepare import (
    Record,
    jsonl_batch_prepare,
    parsed_terms,
    records_prepare,
    source_hash,
)
from archive.ingest.reading import IngestError, decode, display_path, read_text_file, reference
from archive.ingest.store import LoadContext, Outcome, Status, records_store
from archive.ingest.workers import Preparer
from archive.models import Article
from archive.search.backends import backend_for
from archive.search.documents import common_terms_held, most_common
from archive.search.maintenance import index_rebuild

__all__ = ["Outcome", "Status", "articles_load", "display_path"]

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl"}
SIDECAR_SUFFIXES = (".yaml", ".yml")
JSONL_BATCH = 500
# After writing this many articles, the loader refreshes the query planner's statistics.
STATISTICS_AFTER = 1000
STATISTICS_TABLES = ["archive_article", "archive_search", "archive_tagsuggestion"]
# How often a transaction that met another writer is tried in all, and the longest pause
# between tries, in seconds (SQLite has already waited its timeout before each).
STORE_ATTEMPTS = 10
RETRY_PAUSE_MAX = 2.0
# The first large file loaded into an index with common terms (PostgreSQL's) chooses them from
# its opening records (archive.search.documents.common_terms), while the archive is small
# enough for its rows to be rewritten with them; a larger archive gets them from
# rebuild_search_index.
COMMON_SAMPLE_RECORDS = 1_000
COMMON_REWRITE_MAX = 10_000


def articles_load(*, paths, dry_run=False) -> Iterator[Outcome]:
    """Load every article file under `paths`, yielding one Outcome per article or failure.

    With `dry_run`, everything happens inside one transaction that is rolled back at the end,
    so the outcomes are exactly those of a real load.
    """
    catalogues, files, missing = _discover([Path(p) for p in paths])
    with bulk_writes(), transaction.atomic() if dry_run else contextlib.nullcontext():
        for path in missing:
            yield Outcome(display_path(path), Status.FAILED, "no such file or folder")
        for path in catalogues:
            yield _catalogue_outcome(path)
        context = LoadContext()
        preparer = Preparer(tagger=context.tagger, processes=settings.ARCHIVE_INGEST_WORKERS)
        written = 0
        try:
            for path in files:
                suffix = path.suffix.lower()
                if suffix in TEXT_SUFFIXES:
                    outcomes = text_file_ingest(path=path, context=context)
                elif suffix in JSONL_SUFFIXES:
                    outcomes = jsonl_file_ingest(path=path, context=context, preparer=preparer)
                else:
                    reason = "not an article file (.txt, .md, .jsonl)"
                    outcomes = [Outcome(display_path(path), Status.FAILED, reason)]
                for outcome in outcomes:
                    written += outcome.status in (Status.CREATED, Status.UPDATED)
                    yield outcome
        finally:
            preparer.close()
        translations_resolve()
        if dry_run:
            transaction.set_rollback(True)
        elif written >= STATISTICS_AFTER:
            statistics_refresh(STATISTICS_TABLES)


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
        metadata = dataclasses.replace(
            metadata, translation_of=reference(metadata.translation_of, path.parent)
        )
        record = Record(
            path=shown,
            text=text,
            metadata=metadata,
            key=metadata.url or shown,
            source_hash=source_hash(source.text, sidecar_text),
            warnings=warnings + list(metadata.warnings),
        )
        prepared = records_prepare(records=[record], tagger=context.tagger, common=context.common)
        return _stored(prepared, context)
    except IngestError as error:
        return [Outcome(shown, Status.FAILED, str(error), warnings=warnings)]
    except DatabaseError as error:
        return [Outcome(shown, Status.FAILED, f"cannot be stored: {error}", warnings=warnings)]


def jsonl_file_ingest(*, path, context, preparer) -> Iterator[Outcome]:
    """One article per line. A bad line is reported and skipped; the others load.

    Memory stays flat: lines are read, prepared and stored JSONL_BATCH at a time.
    """
    shown = display_path(path)
    try:
        handle = path.open("rb")
        size = path.stat().st_size
    except OSError as error:
        yield Outcome(shown, Status.FAILED, f"cannot read the file: {error.strerror or error}")
        return
    if size < settings.ARCHIVE_INGEST_PARALLEL_FROM_BYTES:
        preparer = Preparer(tagger=context.tagger, processes=1)
    elif not context.common:
        _common_terms_from_sample(handle, shown, path.parent, context)
    with handle:
        lines = _jsonl_lines(handle)
        batches = iter(lambda: list(islice(lines, JSONL_BATCH)), [])
        common = context.common
        for prepared in preparer.map(batches, shown, path.parent, common):
            yield from _prepared_store_safely(prepared, context, common)


def _common_terms_from_sample(handle, shown, origin, context):
    """Choose the index's common terms from a large file's opening records, and rewrite the
    rows already indexed with them. The file is read again from its start afterwards."""
    if not backend_for(connection).chooses_common_terms:
        return
    if Article.objects.count() > COMMON_REWRITE_MAX:
        return
    sample = list(islice(_jsonl_lines(handle), COMMON_SAMPLE_RECORDS))
    handle.seek(0)
    prepared = jsonl_batch_prepare(sample, shown, origin, context.tagger)
    parsed = [article.parsed for item in prepared for article in item.articles]
    if not parsed:
        return
    terms = [parsed_terms(article) for article in parsed]
    chosen = most_common(itertools.chain.from_iterable(f.values()) for f in terms)
    with transaction.atomic():
        # Another load may have chosen them meanwhile: the archive then keeps its list.
        context.common = common_terms_held(exclusive=True)
        if not context.common:
            context.common = chosen
            index_rebuild(common=chosen)


def _prepared_store_safely(prepared, context, common=None):
    """Store a batch together; on a database error, each record alone, losing only the bad."""
    try:
        return _stored(prepared, context, common)
    except DatabaseError:
        outcomes = []
        for item in prepared:
            try:
                outcomes += _stored([item], context, common)
            except DatabaseError as error:
                reason = f"cannot be stored: {error}"
                outcomes.append(Outcome(item.path, Status.FAILED, reason, line=item.line))
        return outcomes


def _stored(prepared, context, common=None):
    """records_store in a transaction of its own, tried again while another writer is in
    the way: the records are not at fault, and must not be lost for it."""
    for attempt in itertools.count(1):
        try:
            with transaction.atomic():
                return records_store(prepared=prepared, context=context, common=common)
        except Exception as error:
            context.rolled_back()
            if attempt == STORE_ATTEMPTS or not contended(error):
                raise
        # Apart, so that two loads that met do not meet again at once.
        time.sleep(random.uniform(0, min(RETRY_PAUSE_MAX, 0.1 * 2**attempt)))


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
            article._change_reason = "linked to its original"
            article.save(update_fields=["translation_of"], from_source=True)


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
