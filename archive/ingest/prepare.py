"""From records to prepared articles: everything the loader computes without the database.

Parsing (with language detection), fingerprints and suggested tags cost far more than
storing, and none of them needs the database, so for large JSON Lines files they run in
worker processes (`archive.ingest.workers.Preparer`) while the main process writes the
previous batch. Nothing here, nor anything it imports, imports the models.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings

from archive.ingest import fingerprint
from archive.ingest.metadata import Metadata, metadata_from_mapping
from archive.ingest.reading import IngestError, normalise, reference
from archive.ingest.structure import ParsedArticle, ParseRequest, parse_many
from archive.ingest.tagging import texts_of
from archive.kinds import UnicodeJSONEncoder
from archive.search.documents import document_terms, row_values
from archive.text import fold

# Part of every source hash: a loader that reads files differently updates what it loaded.
PARSER_VERSION = "3"


@dataclass
class Record:
    """One unit of input: a text file, or a line of a JSON Lines file."""

    path: str
    text: str
    metadata: Metadata
    key: str
    source_hash: str
    line: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class PreparedArticle:
    parsed: ParsedArticle
    key: str
    content_hash: str
    simhash: int | None
    # Suggestion.row() of each suggestion: encoded here, in the worker, not by the writer.
    suggestion_rows: list
    index_values: tuple  # the article's search index row, ready for the database
    blocks_json: str  # the blocks as the database stores them, encoded where it is cheap

    @property
    def blocks(self):
        """The parsed blocks, which a worker sends as `blocks_json` only."""
        if self.parsed.blocks is None:
            self.parsed.blocks = json.loads(self.blocks_json)
        return self.parsed.blocks


@dataclass
class PreparedRecord:
    """A record and its articles (the first is the original, the rest its translations)."""

    record: Record | None
    articles: list[PreparedArticle] = field(default_factory=list)
    failure: str = ""
    path: str = ""
    line: int | None = None


def records_prepare(*, records, tagger, common=frozenset()):
    """Parse records, with the languages of all their paragraphs detected in one call.

    `common` is the search index's list of common terms (archive.search.documents.common_terms).
    """
    parsed_lists = parse_many(
        [
            ParseRequest(r.text, r.metadata.language or None, r.metadata.title, r.metadata.subtitle)
            for r in records
        ]
    )
    prepared = []
    for record, parsed_articles in zip(records, parsed_lists, strict=True):
        if not parsed_articles:
            prepared.append(
                PreparedRecord(
                    record,
                    failure="cannot tell the language: no words to go by",
                    path=record.path,
                    line=record.line,
                )
            )
            continue
        articles, keys = [], set()
        for index, parsed in enumerate(parsed_articles):
            key = record.key if index == 0 else f"{record.key}#{parsed.language}"
            while key in keys:  # the same language twice in one file
                key += "+"
            keys.add(key)
            articles.append(_article_prepare(parsed, key, record.metadata, tagger, common))
        prepared.append(PreparedRecord(record, articles, path=record.path, line=record.line))
    return prepared


def _article_prepare(parsed, key, metadata, tagger, common):
    texts = texts_of(parsed)
    # Suggestions and the index both read the folded text: it is folded once, for both.
    folded = {text: fold(text) for text in texts}
    return PreparedArticle(
        parsed=parsed,
        key=key,
        content_hash=parsed.content_hash,
        simhash=fingerprint.simhash(parsed.running_text),
        # Right for a new article; an updated one is suggested again from what it stores.
        suggestion_rows=[
            suggestion.row(tagger.encoder)
            for suggestion in tagger.suggest(
                language=parsed.language,
                texts=texts,
                published=metadata.published,
                precision=metadata.date_precision or "unknown",
                folded=folded,
            )
        ],
        index_values=row_values(parsed_terms(parsed, folded=folded), common=common),
        blocks_json=json.dumps(parsed.blocks, cls=UnicodeJSONEncoder),
    )


def index_values_renew(prepared, common):
    """Make the index rows of prepared records again, with another list of common terms."""
    for item in prepared:
        for article in item.articles:
            article.parsed.blocks = article.blocks  # a worker sends them as JSON only
            article.index_values = row_values(parsed_terms(article.parsed), common=common)


def parsed_terms(parsed, *, folded=None):
    """The index terms of a parsed article, by field (`documents.document_terms`)."""
    return document_terms(
        title=parsed.title,
        title_en=parsed.title_en,
        standfirst=parsed.standfirst,
        blocks=parsed.blocks,
        language=parsed.language,
        folded=folded,
    )


def jsonl_batch_prepare(lines, path, origin, tagger, common=frozenset()):
    """Prepared records for (line number, bytes) pairs of a JSON Lines file."""
    records, failures = [], []
    for line_number, raw in lines:
        try:
            records.append(jsonl_record(raw, line_number, path, origin))
        except IngestError as error:
            failures.append(PreparedRecord(None, failure=str(error), path=path, line=line_number))
    prepared = records_prepare(records=records, tagger=tagger, common=common) + failures
    return sorted(prepared, key=lambda item: item.line)


def jsonl_record(raw, line_number, path, origin):
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
    metadata = dataclasses.replace(
        metadata, translation_of=reference(metadata.translation_of, origin)
    )
    return Record(
        path=path,
        text=normalise(body),
        metadata=metadata,
        key=metadata.url or (f"{path}#{record_id}" if record_id else f"{path}:{line_number}"),
        source_hash=source_hash(raw.decode()),
        line=line_number,
        warnings=list(metadata.warnings),
    )


def source_hash(*texts):
    """What a record is made of; loading it again with the same hash changes nothing."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()
