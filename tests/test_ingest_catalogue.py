import datetime

import pytest

from archive.ingest.catalogue import catalogue_load
from archive.ingest.reading import IngestError
from archive.models import Event, EventAlias, Topic, TopicKeyword

pytestmark = pytest.mark.django_db

CATALOGUE = """
topics:
  - name: Rare earths
    keywords:
      fr: [terres rares]
      any: 稀土
events:
  - name: Trump–Xi phone call
    slug: trump-xi-call
    start: 2025-06-05
    aliases:
      fr: [appel Trump-Xi]
  - name: Sino-Soviet split
    start: 1960
"""


def test_a_catalogue_adds_topics_events_keywords_and_aliases(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE)
    report = catalogue_load(path=path)
    assert (report.topics_created, report.events_created, report.words_created) == (1, 2, 3)
    topic = Topic.objects.get(slug="rare-earths")
    assert sorted(topic.keywords.values_list("text", flat=True)) == ["terres rares", "稀土"]
    assert topic.keywords.get(text="稀土").language is None
    call = Event.objects.get(slug="trump-xi-call")
    assert call.start_date == datetime.date(2025, 6, 5)
    split = Event.objects.get(slug="sino-soviet-split")
    assert (split.start_date, split.date_precision) == (datetime.date(1960, 1, 1), "year")


def test_loading_it_again_keeps_what_editors_changed(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE)
    catalogue_load(path=path)
    Topic.objects.filter(slug="rare-earths").update(name="Rare-earth minerals")
    report = catalogue_load(path=path)
    assert (report.topics_created, report.events_created, report.words_created) == (0, 0, 0)
    assert Topic.objects.get(slug="rare-earths").name == "Rare-earth minerals"
    assert TopicKeyword.objects.count() == 2
    assert EventAlias.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("topics: [\n", "malformed catalogue"),
        ("- a list\n", "a mapping"),
        ("topics:\n  - description: no name\n", "needs a name"),
        ("events:\n  - name: X\n    start: someday\n", "not a date"),
        ("topics:\n  - name: X\n    keywords: [a, b]\n", "per language code"),
    ],
)
def test_a_bad_catalogue_is_refused_whole(tmp_path, text, message):
    path = tmp_path / "catalogue.yaml"
    path.write_text("topics:\n  - name: Fine\n" + text if text.startswith("events") else text)
    with pytest.raises(IngestError, match=message):
        catalogue_load(path=path)
    assert Topic.objects.count() == 0
