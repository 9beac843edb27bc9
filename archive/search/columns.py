"""Facet counts from columns kept in memory, so that counting does not grow row by row.

Counting the facets of a word found in most articles meant, in SQL, looking every match up
among the articles: at a million articles, seconds. Instead each server process keeps, for
the current data version (archive.search.cache), every article's facet values as arrays
indexed by its id: language, year and source, and for each topic and event the ids of its
articles. A search reads its matches' ids from the database as one string and tallies them
with numpy, the way a search engine counts from its column store. The same arrays (with each
date's precision) apply the reader's filters to a query's matches when they keep many
articles (`allowed`, `kept`; see results.Search.matched_ids). Which articles have another
language version is kept too, and each dated article's month, for the chart of matches per
month.

The arrays are built from the facets index in one grouped reading the first time a search
needs them after the data changed; a search whose data changed while they were read is
counted in SQL instead (`facets.facet_counts`), as is any whose matches include an article
the arrays do not know.
"""

import threading
from dataclasses import dataclass

import numpy as np

from archive.dates import DatePrecision
from archive.routing import reading_connection
from archive.search import cache
from archive.search.backends import backend_for


@dataclass(frozen=True)
class Columns:
    language: np.ndarray  # the language's id for each article id; -1 where there is none
    year: np.ndarray  # 0 when undated
    day: np.ndarray  # the publication date as a number: 20250605; 0 when undated
    precision: np.ndarray  # the date's precision: PRECISIONS' index of it
    source: np.ndarray  # the source's place in `sources`
    sources: list
    tagged: dict  # ("topic" or "event", its id) -> the ids of its articles
    translated: np.ndarray  # True for an article with another language version


PRECISIONS = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.UNKNOWN]
_kept = {}  # database alias -> (data version, Columns)
_lock = threading.Lock()


def columns_for(version):
    """The columns at data `version`, or None when the data is no longer at that version,
    or has none (see cache.remembered)."""
    if not version:
        return None
    alias = reading_connection().alias
    with _lock:
        kept = _kept.get(alias)
    if kept and kept[0] == version:
        return kept[1]
    built = _build()
    # Versions are never reused: the same one after reading means nothing was written since
    # the search began, so what was read is the data at that version.
    if cache.data_version() != version:
        return None
    with _lock:
        _kept[alias] = (version, built)
    return built


def tallies(ids, *, version):
    """{facet: {language id, year, source name, topic or event id: count}} for the articles
    `ids` (each once), as `facets.facet_counts` gives them; None when the columns cannot
    serve: the data is no longer at `version`, or an id is one they do not know."""
    columns = columns_for(version)
    if columns is None or not _known(columns, ids):
        return None
    by = {
        "language": _tally(columns.language[ids]),
        "year": {year or None: n for year, n in _tally(columns.year[ids]).items()},
        "source": {columns.sources[place]: n for place, n in _tally(columns.source[ids]).items()},
        "topic": {},
        "event": {},
        "translated": {},
        "month": _months(columns, ids),
    }
    if translated := int(np.count_nonzero(columns.translated[ids])):
        by["translated"] = {True: translated}
    matched = np.zeros(len(columns.language), bool)
    matched[ids] = True
    for (facet, pk), articles in columns.tagged.items():
        if count := int(np.count_nonzero(matched[articles])):
            by[facet][pk] = count
    return by


def allowed(filters, *, version):
    """A mask over article ids: True for the articles that the reader's `filters`
    (selector.Filters) keep, as the article list's SQL filters keep them (archive.filters,
    ArticleQuerySet.published_between); None when the data is no longer at `version`."""
    columns = columns_for(version)
    if columns is None:
        return None
    keep = columns.language >= 0  # every article the columns know
    if filters.languages:
        keep &= np.isin(columns.language, list(filters.languages))
    if filters.sources:
        places = [place for place, name in enumerate(columns.sources) if name in filters.sources]
        keep &= np.isin(columns.source, places)
    # Every topic and every event asked for, as the filters' chained joins keep them.
    for facet, pks in (("topic", filters.topics), ("event", filters.events)):
        for pk in pks:
            tagged = np.zeros(len(keep), bool)
            tagged[columns.tagged.get((facet, pk), _NONE)] = True
            keep &= tagged
    if filters.translated is not None:
        keep &= columns.translated if filters.translated else ~columns.translated
    day = columns.day
    if filters.date_to is not None:
        keep &= (day > 0) & (day <= _number(filters.date_to))
    if filters.date_from is not None:
        # A period overlapping the range's start counts: see published_between.
        start = filters.date_from
        month, year = PRECISIONS.index(DatePrecision.MONTH), PRECISIONS.index(DatePrecision.YEAR)
        keep &= (day >= _number(start.replace(month=1, day=1))) & (
            (day >= _number(start))
            | ((columns.precision == month) & (day >= _number(start.replace(day=1))))
            | (columns.precision == year)
        )
    return keep


_NONE = np.zeros(0, np.int64)


def _months(columns, ids):
    """{yyyymm: count} of the articles `ids` dated to the day or the month: an article
    dated only by its year belongs to no month."""
    precise = columns.precision[ids] <= PRECISIONS.index(DatePrecision.MONTH)
    dated = columns.day[ids][precise & (columns.day[ids] > 0)]
    months, counts = np.unique(dated // 100, return_counts=True)
    return dict(zip(months.tolist(), counts.tolist(), strict=True))


def kept(ids, keep):
    """Those of `ids` that the mask `keep` (from `allowed`) keeps; None when an id is one
    the columns do not know."""
    if ids.size and ids.max() >= keep.size:
        return None
    return ids[keep[ids]]


def _number(date):
    return date.year * 10000 + date.month * 100 + date.day


def in_date_order(ids, *, version, newest, start, stop):
    """ids[start:stop] once put newest first (or oldest first), the undated last, as
    `ArticleQuerySet.newest_first` orders them; None when the columns cannot serve."""
    columns = columns_for(version)
    if columns is None or not _known(columns, ids) or (ids.size and ids.max() >= 1 << 31):
        return None
    stop = ids.size if stop is None else min(stop, ids.size)
    if start >= stop:
        return []
    day = columns.day[ids].astype(np.int64)
    # One number whose order is the page order: undated last, then by day, then by id.
    undated = (day == 0).astype(np.int64) << 62
    if newest:
        day, ids_order = (1 << 30) - day, (1 << 31) - 1 - ids
    else:
        ids_order = ids
    key = undated | (day << 31) | ids_order
    if stop < ids.size:  # only the first `stop` need sorting
        chosen = np.argpartition(key, stop - 1)[:stop]
        ids, key = ids[chosen], key[chosen]
    return ids[np.argsort(key, kind="stable")][start:stop].tolist()


def _known(columns, ids):
    """Whether the columns know every one of `ids`: not so for an article written since."""
    known = len(columns.language)
    return not ids.size or (ids.max() < known and not (columns.language[ids] < 0).any())


def matched_ids(ids_sql):
    """The ids `ids_sql` (sql, params) selects, read as one string: a tenth of the cost of
    reading a row for each."""
    sql, params = ids_sql
    with reading_connection().cursor() as cursor:
        cursor.execute(f"WITH matched(id) AS ({sql}) SELECT {_joined('id')} FROM matched", params)
        return _parsed(cursor.fetchone()[0])


def among(ids, others):
    """Those of `ids` that are in `others`, found by position rather than by sorting."""
    if not ids.size or not others.size:
        return ids[:0]
    present = np.zeros(max(ids.max(), others.max()) + 1, bool)
    present[others] = True
    return ids[present[ids]]


def newest(ids, limit):
    """The `limit` largest of `ids` (the most recently added), largest first, as a list."""
    if ids.size > limit:
        ids = ids[np.argpartition(ids, ids.size - limit)[ids.size - limit :]]
    return np.sort(ids)[::-1].tolist()


def _build():
    connection = reading_connection()
    backend = backend_for(connection)
    # The facets index holds every value wanted, in the order of their groups: read whole
    # without touching the wide article rows, one string of ids per group. The publication
    # date is read as ISO text, '0' for none: made a number (20250605) by dropping the dashes
    # from the whole string at once, faster than converting each date in SQL.
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM archive_article")
        size = (cursor.fetchone()[0] or 0) + 1
        cursor.execute(
            f"SELECT language_id, {backend.year_sql}, source_name, {_joined('id')}, "
            f"{_joined(backend.date_text_sql)}, {_joined(_PRECISION)} "
            f"FROM {backend.through_facets_index('archive_article')} GROUP BY 1, 2, 3"
        )
        groups = cursor.fetchall()
        tagged = {}
        for facet in ("topic", "event"):
            cursor.execute(
                f"SELECT {facet}_id, {_joined('article_id')} FROM archive_article_{facet}s "
                "GROUP BY 1"
            )
            tagged.update(((facet, pk), _parsed(ids)) for pk, ids in cursor.fetchall())
        cursor.execute(
            "SELECT id, translation_of_id FROM archive_article WHERE translation_of_id IS NOT NULL"
        )
        versions = np.array(cursor.fetchall(), np.int64).reshape(-1, 2)
    language = np.full(size, -1, np.int32)
    year = np.zeros(size, np.int16)
    day = np.zeros(size, np.int32)
    precision = np.zeros(size, np.int8)
    source = np.zeros(size, np.int32)
    places = {}
    for language_id, published_year, source_name, ids, days, precisions in groups:
        ids = _parsed(ids)
        language[ids] = language_id
        year[ids] = published_year or 0
        # Aggregated in the ids' order, as are the precisions.
        day[ids] = _parsed(days.replace("-", ""))
        precision[ids] = _parsed(precisions)
        source[ids] = places.setdefault(source_name, len(places))
    translated = np.zeros(size, bool)
    translated[versions[versions < size]] = True  # an original and each of its translations
    return Columns(language, year, day, precision, source, list(places), tagged, translated)


_PRECISION = (
    "CASE date_precision "
    + " ".join(f"WHEN '{value}' THEN {place}" for place, value in enumerate(PRECISIONS))
    + " ELSE 0 END"
)


def _joined(column):
    return backend_for(reading_connection()).joined_sql(column)


def _parsed(joined):
    return np.fromstring(joined or "", dtype=np.int64, sep=",")


def _tally(values):
    """{value: how many times} for small non-negative integers."""
    counts = np.bincount(values)
    found = np.flatnonzero(counts)
    return dict(zip(found.tolist(), counts[found].tolist(), strict=True))
