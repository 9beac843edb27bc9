"""Suggesting topics and events for an article from the words in it.

Topics are suggested by their keywords in the article's language (or in any language);
events by their aliases ("Kuala Lumpur") and by the dates they happened on, written the way
the article's language writes dates ("5 juin", "5/6", "6月5日"). A date only counts when the
article's own date makes the event plausible. Suggestions stay suggestions until an editor,
or the file's own metadata, confirms them.

The loader's workers suggest tags with a Tagger they are sent, so it holds plain values and
this module imports no models: `archive.ingest.catalogue.catalogue_tagger` makes it from the
database.
"""

import datetime
import json
import re
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from archive.dates import DatePrecision, period_end, period_start
from archive.text import fold

# An article may preview an event up to this long before it happens…
EVENT_LOOKAHEAD = datetime.timedelta(days=90)
# …and a bare date ("5 juin") refers to an event at most this long before the article.
DATE_LOOKBACK = datetime.timedelta(days=366)
MAX_WORDS_KEPT = 5
MIN_TOPIC_MENTIONS = 2
# Scripts written without spaces between words: keywords match anywhere in the text.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

MONTHS = {
    "en": "january february march april may june july august september october november december",
    "fr": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "de": "januar februar marz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}


def date_phrases(date, language):
    """How an article in `language` writes the day `date` (folded)."""
    day, month = date.day, date.month
    phrases = set()
    if language in MONTHS:
        name = MONTHS[language].split()[month - 1]
        day_word = "1er" if language == "fr" and day == 1 else str(day)
        phrases.add(f"{day_word} {name}")
        if language == "en":
            phrases.add(f"{name} {day}")
        if language == "de":
            phrases.add(f"{day}. {name}")
        if language == "es":
            phrases.add(f"{day} de {name}")
    if language in {"fr", "nl", "vi", "es", "ru", "de"}:
        phrases.add(f"{day}/{month}")
    if language == "vi":
        phrases.add(f"ngay {day} thang {month}")
    if language in {"zh", "ja"}:
        phrases.add(f"{month}月{day}日")
    if language == "ko":
        phrases.add(f"{month}월 {day}일")
    return phrases


def texts_of(article):
    """The texts tags are suggested from, of an article or of a parsed one."""
    return [article.title, article.title_en, article.standfirst] + [
        block["text"] for block in article.blocks
    ]


@dataclass(frozen=True)
class Suggestion:
    topic_id: int | None
    event_id: int | None
    words: tuple[str, ...]

    def row(self, encoder=None):
        """(topic id, event id, the words as the JSON text the database stores): `encoder` is
        that of TagSuggestion.matched_words, which the Tagger is given (`Tagger.encoder`)."""
        return self.topic_id, self.event_id, json.dumps(list(self.words), cls=encoder)


class EventDates(NamedTuple):
    """What suggesting an event reads of it: when it happened, as precisely as known."""

    pk: int
    start_date: datetime.date | None
    end_date: datetime.date | None
    date_precision: str

    @property
    def last_date(self):
        return self.end_date or self.start_date


class Tagger:
    """The catalogue's keywords, aliases and event dates, compiled once for a whole load.

    `keywords` and `aliases` are (language code or None, text, topic or event id) triples;
    `encoder` is the JSON encoder suggestions' words are stored with (`Suggestion.row`).
    """

    def __init__(self, *, keywords=(), aliases=(), events=(), encoder=None):
        self.encoder = encoder
        self._topic_words = {}  # language code or None → {folded keyword: {topic ids}}
        for code, text, topic_id in keywords:
            self._topic_words.setdefault(code, {}).setdefault(fold(text), set()).add(topic_id)
        self._alias_words = {}
        for code, text, event_id in aliases:
            self._alias_words.setdefault(code, {}).setdefault(fold(text), set()).add(event_id)
        self._events = {event.pk: event for event in events}
        self._automata = {}

    def suggest(
        self, *, language, texts, published=None, precision=DatePrecision.UNKNOWN, folded=None
    ):
        """Suggestions for the texts of an article in `language`.

        `folded` may map each text to its folding (`archive.text.fold`), when the caller
        has it already.
        """
        original = "\n".join(t for t in texts if t)
        text = "\n".join(folded[t] for t in texts if t) if folded else fold(original)
        found = {}
        for word, kind, ids in self._matches(language, text, original):
            for tag_id in ids:
                if kind != "topic" and not self._plausible(
                    tag_id, published, precision, by_date=kind == "date"
                ):
                    continue
                found.setdefault(("topic" if kind == "topic" else "event", tag_id), []).append(word)
        return [
            Suggestion(
                topic_id=key[1] if key[0] == "topic" else None,
                event_id=key[1] if key[0] == "event" else None,
                words=tuple(dict.fromkeys(words))[:MAX_WORDS_KEPT],
            )
            for key, words in found.items()
            # A topic named once in passing is not what the article is about.
            if key[0] == "event" or len(words) >= MIN_TOPIC_MENTIONS
        ]

    def _vocabulary(self, language):
        """{folded word: [(kind, ids)]}: topic keywords, event aliases and event dates."""
        vocabulary = {}
        for kind, words in (
            ("topic", {**self._topic_words.get(None, {}), **self._topic_words.get(language, {})}),
            ("alias", {**self._alias_words.get(None, {}), **self._alias_words.get(language, {})}),
        ):
            for word, ids in words.items():
                vocabulary.setdefault(word, []).append((kind, ids))
        for event in self._events.values():
            if event.start_date and event.date_precision == DatePrecision.DAY:
                for day in _days(event):
                    for phrase in date_phrases(day, language):
                        vocabulary.setdefault(phrase, []).append(("date", {event.pk}))
        return vocabulary

    def _matches(self, language, text, original):
        """(words as written, kind, ids) for each match of the vocabulary in the folded text.

        One Aho–Corasick pass per text finds every keyword, alias and date at once.
        """
        if language not in self._automata:
            self._automata[language] = _automaton(self._vocabulary(language))
        automaton = self._automata[language]
        if automaton is None:
            return []
        found = []
        for last, (length, unspaced, entries) in automaton.iter(text):
            start, stop = last - length + 1, last + 1
            if not unspaced and start > 0 and _is_word_character(text[start - 1]):
                continue
            whole_word = unspaced or stop == len(text) or not _is_word_character(text[stop])
            inflected_stop = stop
            if not unspaced and length >= 4:
                # Topic keywords match inflected forms too: "tarifs" for the keyword "tarif".
                while inflected_stop < len(text) and _is_word_character(text[inflected_stop]):
                    inflected_stop += 1
            for kind, ids in entries:
                if kind == "topic" and inflected_stop > stop:
                    found.append((original[start:inflected_stop], kind, ids))
                elif whole_word:
                    found.append((original[start:stop], kind, ids))
        return found

    def _plausible(self, event_id, published, precision, *, by_date):
        event = self._events.get(event_id)
        if event is None or event.start_date is None:
            return not by_date
        if published is None or precision == DatePrecision.UNKNOWN:
            # Without the article's date a bare day of the month could be any year's.
            return not by_date
        if event.start_date > period_end(published, precision) + EVENT_LOOKAHEAD:
            return False
        return not by_date or event.last_date >= period_start(published, precision) - DATE_LOOKBACK


def _days(event):
    last = event.end_date or event.start_date
    days = (last - event.start_date).days
    if days > 7:
        return [event.start_date]
    return [event.start_date + datetime.timedelta(days=n) for n in range(days + 1)]


def _automaton(vocabulary):
    """An Aho–Corasick automaton finding every word of the vocabulary in one pass."""
    if not vocabulary:
        return None
    automaton = ahocorasick.Automaton()
    for word, entries in vocabulary.items():
        automaton.add_word(word, (len(word), bool(UNSPACED.search(word)), entries))
    automaton.make_automaton()
    return automaton


def _is_word_character(character):
    return character.isalnum() or character == "_"
