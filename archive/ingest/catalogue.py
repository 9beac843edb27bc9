"""The catalogue of topics and events that ships with the seeds (seeds/catalogue.yaml).

Loading it adds what is missing and leaves what exists alone: editors own the catalogue once
it is in the database, so a reload never undoes their changes.
"""

from dataclasses import dataclass

import yaml
from django.db import transaction
from django.utils.text import slugify

from archive.dates import DatePrecision, parse_partial_date
from archive.ingest.reading import IngestError, read_text_file
from archive.ingest.tagging import EventDates, Tagger
from archive.languages import language_for_code
from archive.models import Concept, Event, EventAlias, TagSuggestion, Topic, TopicKeyword

CATALOGUE_FILENAME = "catalogue.yaml"
ANY_LANGUAGE = "any"


@dataclass
class CatalogueReport:
    topics_created: int = 0
    events_created: int = 0
    concepts_created: int = 0
    words_created: int = 0

    def __str__(self):
        return (
            f"{self.topics_created} topics, {self.events_created} events, "
            f"{self.concepts_created} concepts and {self.words_created} keywords, aliases "
            "or labels added"
        )


def catalogue_load(*, path):
    """Add the topics and events in a catalogue file. Raises IngestError on a bad file."""
    data = _parse(read_text_file(path).text)
    report = CatalogueReport()
    with transaction.atomic():
        for entry in data.get("topics") or []:
            _topic_load(entry, report)
        for entry in data.get("events") or []:
            _event_load(entry, report)
        for entry in data.get("concepts") or []:
            _concept_load(entry, report)
    return report


def catalogue_tagger():
    """A Tagger of the catalogue as the database holds it."""
    return Tagger(
        keywords=TopicKeyword.objects.values_list("language__code", "text", "topic_id"),
        aliases=EventAlias.objects.values_list("language__code", "text", "event_id"),
        events=[
            EventDates(*values)
            for values in Event.objects.values_list(
                "pk", "start_date", "end_date", "date_precision"
            )
        ],
        encoder=TagSuggestion._meta.get_field("matched_words").encoder,
    )


def _parse(text):
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise IngestError(
            f"malformed catalogue: {getattr(error, 'problem', None) or error}",
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise IngestError("a catalogue is a mapping with 'topics' and 'events' lists")
    return data


def _required(entry, name, kind):
    if not isinstance(entry, dict) or not str(entry.get(name) or "").strip():
        raise IngestError(f"every {kind} in the catalogue needs a {name}: {entry!r:.80}")
    return str(entry[name]).strip()


def _topic_load(entry, report):
    name = _required(entry, "name", "topic")
    topic, created = Topic.objects.get_or_create(
        slug=entry.get("slug") or slugify(name),
        defaults={"name": name, "description": entry.get("description") or ""},
    )
    report.topics_created += created
    _words_add(topic.keywords, entry.get("keywords"), name, report)


def _event_load(entry, report):
    name = _required(entry, "name", "event")
    start, precision = _date(entry.get("start"), name)
    end, _ = _date(entry.get("end"), name)
    event, created = Event.objects.get_or_create(
        slug=entry.get("slug") or slugify(name),
        defaults={
            "name": name,
            "start_date": start,
            "end_date": end,
            "date_precision": precision,
            "place": entry.get("place") or "",
            "description": entry.get("description") or "",
        },
    )
    report.events_created += created
    _words_add(event.aliases, entry.get("aliases"), name, report)


def _concept_load(entry, report):
    name = _required(entry, "name", "concept")
    kind = entry.get("kind") or Concept.Kind.SUBJECT
    if kind not in Concept.Kind.values:
        raise IngestError(f"{name}: kind must be one of {', '.join(Concept.Kind.values)}")
    concept, created = Concept.objects.get_or_create(name=name, defaults={"kind": kind})
    report.concepts_created += created
    _words_add(concept.labels, entry.get("labels"), name, report)


def _words_add(related, mapping, name, report):
    """Add the keywords, aliases or labels that `related` (a related manager) lacks."""
    for language, text in _words(mapping, name):
        _, created = related.get_or_create(language=language, text=text)
        report.words_created += created


def _date(value, name):
    if value in (None, ""):
        return None, DatePrecision.DAY
    try:
        return parse_partial_date(str(value))
    except ValueError as error:
        raise IngestError(f"{name}: {error}") from None


def _words(mapping, name):
    """(Language or None, text) pairs from {language code or 'any': [words]}."""
    if mapping in (None, ""):
        return []
    if not isinstance(mapping, dict):
        raise IngestError(f"{name}: keywords and aliases are given per language code")
    pairs = []
    for code, words in mapping.items():
        language = None if code == ANY_LANGUAGE else language_for_code(str(code))
        for word in [words] if isinstance(words, str) else words or []:
            if str(word).strip():
                pairs.append((language, str(word).strip()))
    return pairs
