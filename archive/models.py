from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify

from archive.dates import DatePrecision, format_partial_date, format_partial_iso, period_start


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

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


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
    def date_display(self):
        if self.start_date is None:
            return ""
        start = format_partial_date(self.start_date, self.date_precision)
        if self.end_date and self.end_date != self.start_date:
            return f"{start} – {format_partial_date(self.end_date, self.date_precision)}"
        return start


class ArticleQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by(F("published").desc(nulls_last=True), "-id")

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
            queryset = queryset.filter(
                Q(date_precision=DatePrecision.DAY, published__gte=date_from)
                | Q(
                    date_precision=DatePrecision.MONTH,
                    published__gte=period_start(date_from, DatePrecision.MONTH),
                )
                | Q(
                    date_precision=DatePrecision.YEAR,
                    published__gte=period_start(date_from, DatePrecision.YEAR),
                )
            )
        return queryset

    def matching(self, words):
        """Plain keyword match over titles and bodies: every word must occur somewhere."""
        queryset = self
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
        return queryset


class Article(models.Model):
    title = models.CharField(max_length=500)
    body = models.TextField()
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
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    source_path = models.CharField(
        max_length=1000, blank=True, help_text="The file the article was loaded from."
    )
    content_hash = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the normalised source text; loading the same text twice is a no-op.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    events = models.ManyToManyField(Event, blank=True, related_name="articles")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        self.normalise_date()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.pk, self.slug])

    def normalise_date(self):
        if self.published is None:
            self.date_precision = DatePrecision.UNKNOWN
        elif self.date_precision == DatePrecision.UNKNOWN:
            # A date without a stated precision is taken at face value.
            self.date_precision = DatePrecision.DAY
        else:
            self.published = period_start(self.published, self.date_precision)

    @property
    def slug(self):
        return slugify(self.title, allow_unicode=True)[:80].strip("-") or "article"

    @property
    def published_display(self):
        return format_partial_date(self.published, self.date_precision)

    @property
    def published_iso(self):
        return format_partial_iso(self.published, self.date_precision)

    @property
    def paragraphs(self):
        return [line for line in self.body.split("\n") if line.strip()]
