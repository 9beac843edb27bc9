import re

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from archive.dates import (
    DatePrecision,
    format_partial_date,
    format_partial_iso,
    format_partial_range,
    normalised,
    period_start,
)
from archive.db import nulls_last

# Migration 0003 names the encoder archive.models.UnicodeJSONEncoder: it stays importable here.
from archive.kinds import BlockKind, UnicodeJSONEncoder

# What a source URL must start with to be linked (Article.source_link).
WEB_ADDRESS = re.compile(r"https?://", re.IGNORECASE)


class Language(models.Model):
    code = models.CharField(
        max_length=12, unique=True, help_text="ISO 639-1 code, such as nl, fr or zh."
    )
    name_en = models.CharField("English name", max_length=100)
    name_native = models.CharField("native name", max_length=100)

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en


class Topic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WordInLanguage(models.Model):
    """A word or phrase in one language, or (no language) in any: keywords, aliases, labels."""

    language = models.ForeignKey(Language, on_delete=models.CASCADE, null=True, blank=True)
    text = models.CharField(max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.text


class TopicKeyword(WordInLanguage):
    """A word or phrase that suggests a topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="keywords")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "language", "text"], name="topic_keyword_unique"
            ),
        ]


class Event(models.Model):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave empty for a single-day event."
    )
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [F("start_date").desc(nulls_last=True), "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=F("start_date")),
                name="event_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def last_date(self):
        return self.end_date or self.start_date

    @property
    def date_display(self):
        if self.start_date is None:
            return ""
        return format_partial_range(self.start_date, self.end_date, self.date_precision)


class EventAlias(WordInLanguage):
    """A name the event goes by in the text of articles, such as "Kuala Lumpur"."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "event aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language", "text"], name="event_alias_unique"
            ),
        ]


class Concept(models.Model):
    """A person, place or subject with a name in each language, for search across them."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        PLACE = "place", "Place"
        SUBJECT = "subject", "Subject"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SUBJECT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ConceptLabel(WordInLanguage):
    """What the concept is called in one language: Poetin (nl), Poutine (fr), 普京 (zh)."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="labels")

    class Meta:
        ordering = ["language__code", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "language", "text"], name="concept_label_unique"
            ),
        ]


class ArticleQuerySet(models.QuerySet):
    # Undated articles last either way, written so that each database can read the
    # publication date index in order instead of sorting every article (archive.db.nulls_last).
    def newest_first(self):
        last = nulls_last(connections[self.db], descending=True)
        return self.order_by(F("published").desc(nulls_last=last), "-id")

    def oldest_first(self):
        last = nulls_last(connections[self.db], descending=False)
        return self.order_by(F("published").asc(nulls_last=last), "id")

    def published_between(self, date_from=None, date_to=None):
        """Articles whose publication period overlaps [date_from, date_to].

        An article dated "June 2025" is kept for a range starting on 10 June: hiding
        imprecisely dated articles from a range they may belong to would lose them silently.
        Articles with no date are left out as soon as either bound is set.
        """
        queryset = self
        if date_to is not None:
            # The stored date is the start of the period, so this holds for every precision.
            queryset = queryset.filter(published__lte=date_to)
        if date_from is not None:
            # Every dated article has a precision, and one dated on or after `date_from`
            # overlaps the range whatever it is: only those dated in the months before it
            # in its year depend on their precision. Written so, the databases read one
            # range of the date index and look rows up only for those few.
            year_start = period_start(date_from, DatePrecision.YEAR)
            queryset = queryset.filter(published__gte=year_start).filter(
                Q(published__gte=date_from)
                | Q(
                    date_precision=DatePrecision.MONTH,
                    published__gte=period_start(date_from, DatePrecision.MONTH),
                )
                | Q(date_precision=DatePrecision.YEAR)
            )
        return queryset

    def translated(self, flag=True):
        """Articles with another language version (a translation, or an original that has
        one), or with flag False, those without."""
        has_version = Q(translation_of__isnull=False) | Q(
            pk__in=Article.objects.filter(translation_of__isnull=False).values("translation_of")
        )
        return self.filter(has_version) if flag else self.exclude(has_version)

    def editor_update(self, **values):
        """Set `values` on each article here as an editor does, one save() each, in one
        transaction; returns how many articles changed.

        update() writes past save(): a reload would put back what it changed, no version of
        it would be in the history and search would not see it. Editors' bulk changes to an
        article's own fields come here instead.
        """
        changed = 0
        with transaction.atomic(using=self.db):
            for article in self.order_by("pk"):
                if all(getattr(article, name) == value for name, value in values.items()):
                    continue
                for name, value in values.items():
                    setattr(article, name, value)
                article.save()
                changed += 1
        return changed

    def search(self, text, *, across_languages=True, sort=None, filters=None):
        """What a reader typed, searched: an `archive.search.results.Search`. `filters`
        (selector.Filters) may say which filters, and only those, made this queryset."""
        # The models' one import of search, made when called: search reads the models.
        from archive.search.selector import articles_search

        return articles_search(
            queryset=self,
            text=text,
            across_languages=across_languages,
            sort=sort,
            filters=filters,
        )


class Article(models.Model):
    title = models.CharField("headline", max_length=500)
    title_is_derived = models.BooleanField(
        "title derived",
        default=False,
        help_text="The file had no headline; this one was made from its first sentence.",
    )
    title_en = models.CharField("English headline", max_length=500, blank=True)
    standfirst = models.TextField(blank=True)
    blocks = models.JSONField(
        default=list,
        encoder=UnicodeJSONEncoder,
        blank=True,
        help_text='The text after the standfirst, in order: [{"kind": "paragraph" | '
        '"subheading" | "caption", "text": "..."}].',
    )
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="articles")
    published = models.DateField(
        "publication date",
        null=True,
        blank=True,
        help_text="For a month or a year, any day in it will do; it is stored as the first.",
    )
    date_precision = models.CharField(
        max_length=8, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    date_approximate = models.BooleanField(
        default=False, help_text="The date was inferred from the text, not printed with it."
    )
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    source_path = models.CharField(
        max_length=1000, blank=True, help_text="The file the article was loaded from."
    )
    source_key = models.CharField(
        max_length=1100,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="What identifies this record across loads: its URL, or its file and part.",
    )
    content_hash = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the normalised text; the same text is never stored twice.",
    )
    source_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the source file and its metadata when last loaded.",
    )
    # A 64-bit SimHash of the running text and its four 16-bit bands: two articles within
    # three bits of each other share at least one band, so near duplicates are found
    # through an index instead of a scan.
    simhash = models.BigIntegerField(null=True, editable=False)
    simhash_band_0 = models.IntegerField(null=True, editable=False, db_index=True)
    simhash_band_1 = models.IntegerField(null=True, editable=False, db_index=True)
    simhash_band_2 = models.IntegerField(null=True, editable=False, db_index=True)
    simhash_band_3 = models.IntegerField(null=True, editable=False, db_index=True)
    near_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="near_duplicates",
        help_text="Flagged by the loader: the same story, perhaps under another headline.",
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translated_versions",
        help_text="The original that this article translates.",
    )
    translation_of_ref = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The file or URL named as the original, kept until that article is loaded.",
    )
    edited_fields = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Fields an editor changed; reloading the source never overwrites them.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    events = models.ManyToManyField(Event, blank=True, related_name="articles")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    # Every save is a version, with who made it (archive.history has what the loader records).
    history = HistoricalRecords()

    # The fields an editor owns: save() notes a change to one in edited_fields, whoever
    # makes it (the admin, a shell, a restore from the history), but the loader
    # (`from_source`), and a reload of the source leaves it as the editor left it.
    EDITOR_OWNED_FIELDS = frozenset(
        {
            "title",
            "title_en",
            "standfirst",
            "blocks",
            "language",
            "published",
            "date_precision",
            "date_approximate",
            "source_name",
            "source_url",
            "topics",
            "events",
        }
    )
    # Of those, the relations: an editor's change to them is noted where the tags are
    # written (archive.editing, archive.suggestions), not by save(); the
    # loader writes the through tables in bulk, which notes nothing.
    EDITOR_OWNED_TAGS = frozenset({"topics", "events"})
    # What an edited field takes with it on a reload: a headline an editor wrote is not
    # derived from the text, and a date and its precision are one value.
    EDITED_TOGETHER = {
        "title": {"title_is_derived"},
        "published": {"date_precision"},
        "date_precision": {"published"},
    }

    class Meta:
        ordering = [F("published").desc(nulls_last=True), "-id"]
        indexes = [models.Index(fields=["published"], name="article_published_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(published__isnull=True, date_precision=DatePrecision.UNKNOWN)
                | (Q(published__isnull=False) & ~Q(date_precision=DatePrecision.UNKNOWN)),
                name="article_date_matches_precision",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, from_source=False, **kwargs):
        """Store the article; unless the loader stores what its file says (`from_source`),
        the fields an editor owns that differ from the stored row are noted in
        edited_fields, which only ever grows."""
        self.normalise_date()
        if not from_source:
            update_fields = kwargs.get("update_fields")
            changed = self.edits_record(
                self._changed_from_stored(update_fields, kwargs.get("using"))
            )
            if changed and update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "edited_fields", "title_is_derived"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.pk, self.slug])

    def normalise_date(self):
        self.published, self.date_precision = self.stored_date(self.published, self.date_precision)

    @staticmethod
    def stored_date(published, precision):
        """(date, precision) as an article stores them (archive.dates.normalised): save()
        applies it, and so does the loader to the articles it inserts without save()."""
        return normalised(published, precision)

    def edits_record(self, fields):
        """Note that an editor changed `fields` (names): those the editor owns join
        edited_fields. Returns them. save() calls it with what changed."""
        changed = set(fields) & self.EDITOR_OWNED_FIELDS
        if changed:
            self.edited_fields = sorted(set(self.edited_fields) | changed)
        if "title" in changed:
            self.title_is_derived = False
        return changed

    @classmethod
    def tags_edits_record(cls, article_ids, field):
        """Note that an editor changed the `field` ("topics" or "events") of the articles
        `article_ids`, as edits_record does, in two queries whatever their number."""
        if field not in cls.EDITOR_OWNED_TAGS:
            raise ValueError(f"{field!r} is not a relation an editor owns.")
        changed = []
        for article in cls._base_manager.filter(pk__in=article_ids).only("edited_fields"):
            if field not in article.edited_fields:
                article.edits_record({field})
                changed.append(article)
        cls._base_manager.bulk_update(changed, ["edited_fields"])
        return len(changed)

    def _changed_from_stored(self, fields, using):
        """The editor-owned fields (of `fields`, when given) whose values differ from the
        stored row's, which it reads: an instance may have been changed in place, or made
        from a version in the history, so what it was loaded with cannot be trusted. Keeps
        the stored edited_fields too: a restored version must not forget them."""
        names = self.EDITOR_OWNED_FIELDS - self.EDITOR_OWNED_TAGS
        if fields is not None:
            names = names & set(fields)
        if self.pk is None or not names:
            return set()
        attnames = {name: self._meta.get_field(name).attname for name in names}
        using = using or router.db_for_write(type(self), instance=self)
        stored = (
            type(self)
            ._base_manager.using(using)
            .filter(pk=self.pk)
            .values("edited_fields", *attnames.values())
            .first()
        )
        if stored is None:  # a new article: nothing an editor changed yet
            return set()
        self.edited_fields = sorted(set(stored["edited_fields"]) | set(self.edited_fields))
        return {
            name for name, attname in attnames.items() if getattr(self, attname) != stored[attname]
        }

    def kept_on_reload(self):
        """The attributes (attnames) a reload of the source leaves as they are: those of the
        fields an editor changed, and what goes with them (EDITED_TOGETHER)."""
        names = set(self.edited_fields)
        for name in self.edited_fields:
            names |= self.EDITED_TOGETHER.get(name, set())
        return {f.attname for f in self._meta.concrete_fields if f.name in names}

    @property
    def slug(self):
        return slugify(self.title, allow_unicode=True)[:80].strip("-") or "article"

    @property
    def published_display(self):
        return format_partial_date(self.published, self.date_precision)

    @property
    def published_iso(self):
        return format_partial_iso(self.published, self.date_precision)

    def blocks_of(self, *kinds):
        return [block["text"] for block in self.blocks if block.get("kind") in kinds]

    @property
    def body(self):
        """The running text (paragraphs and subheadings), one paragraph per line."""
        return "\n".join(self.blocks_of(BlockKind.PARAGRAPH, BlockKind.SUBHEADING))

    @property
    def excerpt(self):
        return self.standfirst or next(iter(self.blocks_of(BlockKind.PARAGRAPH)), "")

    @property
    def source_link(self):
        """The source URL when it is a web address (http or https), which the article's
        page links; "" for anything else, such as a javascript: URL written to the
        database without the form's or the loader's check, which must never be a link."""
        return self.source_url if WEB_ADDRESS.match(self.source_url) else ""

    @property
    def captions(self):
        return self.blocks_of(BlockKind.CAPTION)

    @property
    def subheadings(self):
        return self.blocks_of(BlockKind.SUBHEADING)

    def translations(self):
        """The other language versions of this article: its original and its siblings."""
        original_id = self.translation_of_id or self.pk
        return (
            Article.objects.filter(Q(pk=original_id) | Q(translation_of_id=original_id))
            .exclude(pk=self.pk)
            .select_related("language")
        )


class TagSuggestion(models.Model):
    """A topic or event the loader thinks fits an article, waiting for an editor."""

    # The unique constraints below start with the article and serve its lookups; a separate
    # index would only slow down the loader, which writes four suggestions per article.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="suggestions", db_index=False
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True)
    matched_words = models.JSONField(
        default=list, help_text="The words in the text that triggered the suggestion."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic__name", "event__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, event__isnull=True)
                | Q(topic__isnull=True, event__isnull=False),
                name="suggestion_is_topic_or_event",
            ),
            models.UniqueConstraint(fields=["article", "topic"], name="suggested_topic_once"),
            models.UniqueConstraint(fields=["article", "event"], name="suggested_event_once"),
        ]

    def __str__(self):
        return str(self.topic or self.event)

    @property
    def tag(self):
        return self.topic or self.event

    def confirm(self):
        """Make the suggestion a real tag and drop it from the suggestions."""
        if self.topic_id:
            self.article.topics.add(self.topic_id)
        else:
            self.article.events.add(self.event_id)
        self.delete()


class TagRejection(models.Model):
    """A suggested topic or event an editor turned down for an article: the loader never
    suggests it for that article again.

    Kept apart from TagSuggestion, which holds only what waits for an editor: a reload
    replaces an article's suggestions wholesale, and every count of pending suggestions
    stays a plain count of that table.
    """

    # The unique constraints start with the article and serve the loader's lookups.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="rejections", db_index=False
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rejected_at", "-id"]
        verbose_name = "rejected suggestion"
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, event__isnull=True)
                | Q(topic__isnull=True, event__isnull=False),
                name="rejection_is_topic_or_event",
            ),
            models.UniqueConstraint(fields=["article", "topic"], name="rejected_topic_once"),
            models.UniqueConstraint(fields=["article", "event"], name="rejected_event_once"),
        ]

    def __str__(self):
        return str(self.topic or self.event)

    @property
    def tag(self):
        return self.topic or self.event
