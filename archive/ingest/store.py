"""Writing prepared articles to the database, a batch at a time.

`records_store` decides, for each prepared article, between created, updated, unchanged and
duplicate; keeps every field an editor changed; links translations to their original; adds
the tags the file's metadata names; replaces suggestions; and flags near duplicates. It does
so with a handful of queries per batch, whatever the batch's size.
"""

from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from archive.db import rows_insert
from archive.ingest import fingerprint
from archive.ingest.metadata import Metadata
from archive.ingest.prepare import PreparedArticle
from archive.ingest.tagging import Tagger, texts_of
from archive.languages import language_for_code
from archive.models import Article, Event, TagSuggestion, Topic
from archive.search.index import common_terms, rows_add


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


class LoadContext:
    """What a whole load shares: the compiled catalogue and lookups of languages and tags."""

    def __init__(self):
        self.tagger = Tagger()
        # The search index's common terms, whose pairs its rows hold (PostgreSQL only).
        self.common = common_terms()
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


def records_store(*, prepared, context) -> list[Outcome]:
    """Store prepared records; one Outcome per article, or per record that failed.

    Runs inside the caller's transaction. Raises DatabaseError when the records cannot be
    stored; the caller's transaction then leaves nothing of them behind.
    """
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

        # Updated articles were indexed by save(); new ones were inserted without it.
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
            article.translation_of_ref = metadata.translation_of
        article.source_path = draft.record.path
        article.source_hash = draft.record.source_hash
        article.content_hash = draft.content_hash
        article.simhash = draft.simhash
        for band, value in enumerate(fingerprint.bands(article.simhash)):
            setattr(article, f"simhash_band_{band}", value)
        article.normalise_date()
        return article

    def _create(self, drafts):
        if not drafts:
            return
        _articles_insert([draft.article for draft in drafts])
        ids = dict(
            Article.objects.filter(source_key__in=[d.key for d in drafts]).values_list(
                "source_key", "pk"
            )
        )
        for draft in drafts:
            draft.article.pk = ids[draft.key]
            draft.article._state.adding = False
            draft.article._state.db = connection.alias

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
            found_tags = draft.prepared.suggestions
            if draft in updated:
                # Editors may have changed what suggestions depend on: the language, the date.
                found_tags = self.context.tagger.suggest(
                    language=article.language.code,
                    texts=texts_of(article),
                    published=article.published,
                    precision=article.date_precision,
                )
            for found in found_tags:
                if ("topic", article.pk, found.topic_id) in confirmed:
                    continue
                if ("event", article.pk, found.event_id) in confirmed:
                    continue
                suggestions.append((article.pk, found.topic_id, found.event_id, list(found.words)))
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


# Fields whose Python value is already what the database takes.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _articles_insert(articles):
    """Insert new articles in one go, without reading back their ids.

    bulk_create prepares every value through its field and compiles a placeholder for each;
    for a loader writing hundreds of thousands of rows that was a quarter of its time. Here
    text, numbers, flags and foreign keys go in as they are, and only dates, timestamps and
    JSON are prepared by their fields. The caller reads the ids back by source key.
    """
    fields = [f for f in Article._meta.concrete_fields if not f.primary_key]
    plain = [isinstance(f, _PLAIN_FIELDS) and not isinstance(f, models.DateField) for f in fields]
    now = timezone.now()
    for article in articles:
        article.created_at = article.updated_at = now
    rows_insert(
        Article._meta.db_table,
        [f.column for f in fields],
        [
            [
                getattr(article, f.attname)
                if is_plain
                else f.get_db_prep_save(getattr(article, f.attname), connection)
                for f, is_plain in zip(fields, plain, strict=True)
            ]
            for article in articles
        ],
    )


def _suggestions_create(suggestions):
    """Insert (article, topic, event, words) rows; suggestions outnumber articles 4 to 1."""
    if not suggestions:
        return
    words_field = TagSuggestion._meta.get_field("matched_words")
    now = TagSuggestion._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    rows_insert(
        TagSuggestion._meta.db_table,
        ["article_id", "topic_id", "event_id", "matched_words", "created_at"],
        [
            (article, topic, event, words_field.get_db_prep_save(words, connection), now)
            for article, topic, event, words in suggestions
        ],
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
