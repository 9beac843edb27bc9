"""Writing prepared articles to the database, a batch at a time.

`records_store` decides, for each prepared article, between created, updated, unchanged and
duplicate; keeps every field an editor changed; links translations to their original; adds
the tags the file's metadata names; replaces suggestions, leaving out those editors rejected;
and flags near duplicates. It does so with a handful of queries per batch, whatever the
batch's size.
"""

import copy
import functools
import itertools
import json
import operator
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Q

from archive.db import placeholders, rows_in, rows_insert
from archive.ingest import fingerprint
from archive.ingest.catalogue import catalogue_tagger
from archive.ingest.metadata import Metadata
from archive.ingest.prepare import PreparedArticle, index_values_renew
from archive.ingest.tagging import texts_of
from archive.languages import language_for_code
from archive.models import Article, Event, TagSuggestion, Topic
from archive.search.documents import common_terms, common_terms_held, rows_add
from archive.suggestions import rejected_tags

# The reason a reload's version gives in the article's history (archive.history).
RELOAD_REASON = "loaded again from its file"


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
    stored: "Article | _NewRow | None" = None
    line: int | None = None
    warnings: list[str] = field(default_factory=list)
    near_duplicate_of: int | None = None

    @property
    def where(self):
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def article(self):
        """The article as the loader stored it (a model instance, made when first asked)."""
        if isinstance(self.stored, _NewRow):
            self.stored = self.stored.model()
        return self.stored


class _NewRow:
    """A new article's values, by attribute name, as the loader inserts them.

    Building a model instance for each of a large load's articles cost a tenth of the
    writer's time, and a worker sends the blocks as JSON only; the few callers that want the
    article get it from `model()`, made as Django makes the instance of a stored row.
    """

    def __init__(self, values, blocks_json):
        self.__dict__.update(values)
        self.pk = None
        self.blocks_json = blocks_json

    def model(self):
        if self.blocks is None:  # sent by a worker as JSON only
            self.blocks = json.loads(self.blocks_json)
        fields = Article._meta.concrete_fields
        # The model's values for a new row are shared by a batch's rows: each instance gets
        # lists of its own.
        values = [self.pk if f.primary_key else copy.copy(getattr(self, f.attname)) for f in fields]
        return Article.from_db(connection.alias, [f.attname for f in fields], values)


class LoadContext:
    """What a whole load shares: the compiled catalogue and lookups of languages and tags."""

    def __init__(self):
        self.tagger = catalogue_tagger()
        # The search index's common terms, whose pairs its rows hold (PostgreSQL only).
        self.common = common_terms()
        self._languages = {}
        self._tags = {}

    def rolled_back(self):
        """Forget what a transaction that was rolled back may have created: its languages."""
        self._languages.clear()

    def language(self, code):
        if code not in self._languages:
            self._languages[code] = language_for_code(code)
        return self._languages[code]

    def tag(self, model, name):
        key = (model, name)
        if key not in self._tags:
            self._tags[key] = model.objects.filter(Q(slug=name) | Q(name__iexact=name)).first()
        return self._tags[key]


# Compared by identity: `draft in updated` must not compare every field of every draft.
@dataclass(eq=False)
class _Draft:
    record: object
    prepared: PreparedArticle
    original: "_Draft | None"
    article: Article | None = None
    outcome: Outcome | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def key(self):
        return self.prepared.key

    @property
    def parsed(self):
        return self.prepared.parsed

    @property
    def content_hash(self):
        return self.prepared.content_hash

    @property
    def simhash(self):
        return self.prepared.simhash


def records_store(*, prepared, context, common=None) -> list[Outcome]:
    """Store prepared records; one Outcome per article, or per record that failed.

    Runs inside the caller's transaction. Raises DatabaseError when the records cannot be
    stored; the caller's transaction then leaves nothing of them behind. `common` is the list
    of common terms the records' index rows were prepared with (by default the context's):
    if another load or a rebuild has stored another since, the rows are made again with it.
    """
    held = common_terms_held()
    if held != (context.common if common is None else common):
        index_values_renew(prepared, held)
    context.common = held
    drafts, failures = [], []
    lines_by_key = {}
    for item in prepared:
        if item.failure:
            warnings = item.record.warnings if item.record else []
            failures.append(
                Outcome(item.path, Status.FAILED, item.failure, line=item.line, warnings=warnings)
            )
            continue
        record = item.record
        if record.key in lines_by_key:
            reason = f"same id or url as line {lines_by_key[record.key]}"
            failures.append(Outcome(record.path, Status.FAILED, reason, line=record.line))
            continue
        lines_by_key[record.key] = record.line
        original = None
        for article in item.articles:
            draft = _Draft(record, article, original)
            original = original or draft
            drafts.append(draft)
    _ArticleWriter(context, drafts).write()
    return sorted(
        failures + [draft.outcome for draft in drafts], key=lambda outcome: outcome.line or 0
    )


class _ArticleWriter:
    """Stores a batch of drafts with a handful of queries, whatever the batch's size."""

    def __init__(self, context, drafts):
        self.context = context
        self.drafts = drafts

    def write(self):
        drafts = self.drafts
        stored_ids = _ids_by(column="source_key", values=[d.key for d in drafts])
        existing = {
            article.source_key: article
            for article in Article.objects.filter(pk__in=stored_ids.values())
        }
        # Who holds each text already: an article's pk, or a draft earlier in this batch.
        holders = _ids_by(column="content_hash", values=[d.content_hash for d in drafts])
        created, updated, duplicates = [], [], []
        model_values = _new_article_values()
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
            if article is None:
                values = {**model_values, "source_key": draft.key, **self._values(draft, set())}
                draft.article = _NewRow(values, draft.prepared.blocks_json)
                created.append(draft)
            else:
                values = self._values(draft, article.kept_on_reload())
                if "blocks" in values:
                    values["blocks"] = draft.prepared.blocks
                for name, value in values.items():
                    setattr(article, name, value)
                draft.article = article
                updated.append(draft)

        # Originals first, so that their translations can point at them.
        self._create([d for d in created if d.original is None], model_values)
        self._duplicates_resolve(duplicates)
        translations = [d for d in created if d.original is not None]
        for draft in translations:
            draft.article.translation_of_id = draft.original.article.pk
        self._create(translations, model_values)
        for draft in updated:
            if draft.original is not None:
                draft.article.translation_of_id = draft.original.article.pk
            draft.article._change_reason = RELOAD_REASON
            # What the file says, not an editor's change (Article.save).
            draft.article.save(from_source=True)

        # save() indexed the updated articles (archive.search.signals); the new ones get the
        # rows their workers made of the same texts with the same functions
        # (prepare.parsed_terms, documents.row_values).
        rows_add([(draft.article.pk, *draft.prepared.index_values) for draft in created])

        stored, updated = created + updated, set(updated)
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

    def _values(self, draft, kept):
        """The fields the draft sets, by attribute name, but those `kept` as an editor left
        them (Article.kept_on_reload)."""
        parsed, metadata = draft.parsed, draft.record.metadata
        if draft.original is not None:
            metadata = _translation_metadata(metadata)
        values = {
            "title": parsed.title,
            "title_is_derived": parsed.title_is_derived,
            "title_en": parsed.title_en,
            "standfirst": parsed.standfirst,
            "blocks": parsed.blocks,
            "language_id": self.context.language(parsed.language).pk,
            "source_path": draft.record.path,
            "source_hash": draft.record.source_hash,
            "content_hash": draft.content_hash,
            "simhash": draft.simhash,
            **{
                f"simhash_band_{band}": value
                for band, value in enumerate(fingerprint.bands(draft.simhash))
            },
        }
        if metadata.published:
            values["published"] = metadata.published
            values["date_precision"] = metadata.date_precision
        if metadata.date_approximate is not None:
            values["date_approximate"] = metadata.date_approximate
        if metadata.source:
            values["source_name"] = metadata.source[:200]
        if metadata.url:
            values["source_url"] = metadata.url
        if metadata.translation_of and draft.original is None:
            values["translation_of_ref"] = metadata.translation_of
        return {name: value for name, value in values.items() if name not in kept}

    def _create(self, drafts, model_values):
        if not drafts:
            return
        _articles_insert([draft.article for draft in drafts], model_values)
        ids = _ids_by(column="source_key", values=[d.key for d in drafts])
        for draft in drafts:
            draft.article.pk = ids[draft.key]

    def _metadata_tags_add(self, drafts):
        """Tags named in the file's own metadata are confirmed tags; unknown names warned of.
        An article's topics or events an editor changed (edited_fields) are left as they are.

        Written to the through tables in bulk, which sends no m2m_changed: what the file
        says is not noted as an editor's change (archive.editing)."""
        rows = {Topic: [], Event: []}
        for draft in drafts:
            metadata = draft.record.metadata
            edited = getattr(draft.article, "edited_fields", None) or ()
            for model, tags_field, names in (
                (Topic, "topics", metadata.topics),
                (Event, "events", metadata.events),
            ):
                for name in names:
                    tag = self.context.tag(model, name)
                    if tag:
                        if tags_field not in edited:
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
        # Only an updated article, or one whose metadata names tags, has confirmed tags.
        ids = [
            d.article.pk
            for d in drafts
            if d in updated or d.record.metadata.topics or d.record.metadata.events
        ]
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
        # What editors turned down stays turned down; only a stored article can have any.
        rejected = rejected_tags([d.article.pk for d in updated])
        suggestions = []
        for draft in drafts:
            article = draft.article
            found_rows = draft.prepared.suggestion_rows
            if draft in updated:
                # Editors may have changed what suggestions depend on: the language, the date.
                found = self.context.tagger.suggest(
                    language=article.language.code,
                    texts=texts_of(article),
                    published=article.published,
                    precision=article.date_precision,
                )
                found_rows = [suggestion.row(self.context.tagger.encoder) for suggestion in found]
            for topic_id, event_id, words_json in found_rows:
                if ("topic", article.pk, topic_id) in confirmed:
                    continue
                if ("event", article.pk, event_id) in confirmed:
                    continue
                if ("topic", article.pk, topic_id) in rejected:
                    continue
                if ("event", article.pk, event_id) in rejected:
                    continue
                suggestions.append((article.pk, topic_id, event_id, words_json))
        _suggestions_create(suggestions)

    def _near_duplicates_flag(self, drafts):
        """Flag each article that nearly duplicates another (fingerprint.near_duplicates),
        unless it is flagged already."""
        articles = [d.article for d in drafts if d.article.simhash is not None]
        if not articles:
            return
        bands = fingerprint.band_values(article.simhash for article in articles)
        own = [article.pk for article in articles]
        same_band = " OR ".join(
            f"simhash_band_{band} IN ({placeholders(len(values))})"
            for band, values in enumerate(bands)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, simhash, translation_of_id FROM {Article._meta.db_table} "
                f"WHERE ({same_band}) AND id NOT IN ({placeholders(len(own))}) "
                "ORDER BY id",
                [*itertools.chain.from_iterable(bands), *own],
            )
            older = cursor.fetchall()
        found = fingerprint.near_duplicates(
            [(article.pk, article.simhash, article.translation_of_id) for article in articles],
            older,
        )
        flagged = [a for a in articles if a.near_duplicate_of_id is None and a.pk in found]
        for article in flagged:
            article.near_duplicate_of_id = found[article.pk]
        if flagged:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Article._meta.db_table} SET near_duplicate_of_id = %s WHERE id = %s",
                    [(article.near_duplicate_of_id, article.pk) for article in flagged],
                )


def _ids_by(*, column, values):
    """{value: article id} for the articles whose `column` holds one of `values`."""
    return dict(
        rows_in(
            f"SELECT {column}, id FROM {Article._meta.db_table} WHERE {column} IN ({{values}})",
            values,
        )
    )


def _insert_fields():
    return [f for f in Article._meta.concrete_fields if not f.primary_key]


def _new_article_values():
    return _new_values(Article, _insert_fields())


def _new_values(model, fields):
    """What the model gives a new row of its own, by attribute name, as save() would: each
    field's default, or what the field sets when the row is inserted (a timestamp)."""
    instance = model()
    return {f.attname: f.pre_save(instance, add=True) for f in fields}


def _articles_insert(new_rows, model_values):
    """Insert new articles in one go, as save() would store them, without reading back their
    ids (the caller reads them back by source key).

    What save() applies is applied here: the model's date rule (Article.stored_date), and the
    model's own values for what the loader does not set (`_new_article_values`, which the
    rows hold already). bulk_create would prepare every value through its field and compile
    a placeholder for each; for a loader writing hundreds of thousands of rows that was a
    quarter of its time. Here text, numbers, flags and foreign keys go in as they are, the
    blocks as the worker encoded them, and the model's values, the same for every row, are
    prepared for the database once.
    """
    fields = _insert_fields()
    names = [f.attname for f in fields]
    # Each row is picked from the values in one call, then its few special places mended:
    # a Python loop over the fields cost a fifth as much as SQLite's insert of the row.
    pick = operator.itemgetter(*("blocks_json" if name == "blocks" else name for name in names))
    # (place, the model's value, its database form, how to get that of another value)
    adapters = [
        (
            index,
            model_values[f.attname],
            f.get_db_prep_save(model_values[f.attname], connection),
            _adapter(f),
        )
        for index, f in enumerate(fields)
        if isinstance(f, models.DateField | models.JSONField) and f.attname != "blocks"
    ]
    rows = []
    for new in new_rows:
        new.published, new.date_precision = Article.stored_date(new.published, new.date_precision)
        row = list(pick(new.__dict__))
        for index, model_value, prepared, adapt in adapters:
            value = row[index]
            row[index] = prepared if value is model_value else adapt(value)
        rows.append(row)
    rows_insert(Article._meta.db_table, [f.column for f in fields], rows)


def _adapter(field):
    """The database's form of a value of a date, time or JSON field."""
    if type(field) is models.DateField:
        # A date or None already (Article.stored_date): only the database's form is wanted,
        # without the field's preparation and its lookups of the connection per row.
        return connection.ops.adapt_datefield_value
    return functools.partial(field.get_db_prep_save, connection=connection)


def _suggestions_create(suggestions):
    """Insert (article, topic, event, words as JSON text) rows; suggestions outnumber
    articles 4 to 1. The words go in as the JSON text the field would write: both databases
    take it so."""
    if not suggestions:
        return
    created_at = TagSuggestion._meta.get_field("created_at")
    now = created_at.get_db_prep_save(
        _new_values(TagSuggestion, [created_at])["created_at"], connection
    )
    rows_insert(
        TagSuggestion._meta.db_table,
        ["article_id", "topic_id", "event_id", "matched_words", "created_at"],
        [(*suggestion, now) for suggestion in suggestions],
    )


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
