import datetime
import json

import pytest

from archive.dates import DatePrecision
from archive.ingest.catalogue import catalogue_tagger
from archive.ingest.tagging import Suggestion, date_phrases
from tests.factories import EventFactory, LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_date_phrases_follow_each_language():
    day = datetime.date(2025, 6, 5)
    assert "5 juin" in date_phrases(day, "fr")
    assert "5/6" in date_phrases(day, "vi")
    assert {"5 june", "june 5"} <= date_phrases(day, "en")
    assert "6月5日" in date_phrases(day, "zh")
    assert "1er novembre" in date_phrases(datetime.date(2025, 11, 1), "fr")


@pytest.fixture
def catalogue():
    french = LanguageFactory(code="fr")
    rare_earths = TopicFactory(slug="rare-earths")
    rare_earths.keywords.create(language=french, text="terres rares")
    rare_earths.keywords.create(language=None, text="稀土")
    tariffs = TopicFactory(slug="tariffs")
    tariffs.keywords.create(language=french, text="tarif")
    call = EventFactory(slug="call", start_date=datetime.date(2025, 6, 5))
    call.aliases.create(language=french, text="appel Trump-Xi")
    talks = EventFactory(slug="talks", start_date=datetime.date(2025, 10, 25))
    talks.aliases.create(language=None, text="Kuala Lumpur")
    return {"rare_earths": rare_earths, "tariffs": tariffs, "call": call, "talks": talks}


def suggest(text, language="fr", published=datetime.date(2025, 6, 1), precision="month"):
    found = catalogue_tagger().suggest(
        language=language, texts=[text], published=published, precision=precision
    )
    return {(s.topic_id, s.event_id): list(s.words) for s in found}


def test_keywords_match_whatever_the_case_accents_and_inflection(catalogue):
    found = suggest("Les TERRES RARES et les tarifs douaniers; 稀土. Un tarif.")
    assert found[(catalogue["rare_earths"].pk, None)] == ["TERRES RARES", "稀土"]
    assert found[(catalogue["tariffs"].pk, None)] == ["tarifs", "tarif"]


def test_a_topic_mentioned_once_is_not_suggested(catalogue):
    assert suggest("Les terres rares.") == {}
    assert suggest("Les terres rares, encore les terres rares.") == {
        (catalogue["rare_earths"].pk, None): ["terres rares"]
    }


def test_keywords_of_another_language_do_not_match(catalogue):
    assert suggest("terres rares, terres rares", language="nl") == {}


def test_a_keyword_does_not_match_inside_another_word(catalogue):
    assert suggest("Les statarifs inventés, des statarifs") == {}


def test_events_are_suggested_by_alias_and_by_date(catalogue):
    found = suggest("L’appel Trump-Xi du 5 juin.")
    assert found[(None, catalogue["call"].pk)] == ["appel Trump-Xi", "5 juin"]


def test_a_date_only_counts_when_the_article_date_makes_it_plausible(catalogue):
    assert suggest("Le 5 juin, rien.", published=datetime.date(2019, 6, 1)) == {}
    assert suggest("Le 5 juin, rien.", published=None, precision=DatePrecision.UNKNOWN) == {}
    assert suggest("Le 5 juin, rien.") == {(None, catalogue["call"].pk): ["5 juin"]}


def test_an_article_cannot_report_an_event_long_after_it(catalogue):
    assert suggest("À Kuala Lumpur.", published=datetime.date(2024, 1, 1)) == {}
    assert suggest("À Kuala Lumpur.", published=datetime.date(2025, 10, 1)) == {
        (None, catalogue["talks"].pk): ["Kuala Lumpur"]
    }


def test_suggestions_from_texts_folded_beforehand_are_the_same(catalogue):
    from archive.text import fold

    texts = ["Appel Trump-Xi", "", "Les TERRES RARES; 稀土. Un tarif, des tarifs.", "Kuala Lumpur"]
    tagger = catalogue_tagger()
    plain = tagger.suggest(language="fr", texts=texts, published=datetime.date(2025, 6, 1))
    folded = tagger.suggest(
        language="fr",
        texts=texts,
        published=datetime.date(2025, 6, 1),
        folded={text: fold(text) for text in texts},
    )
    assert folded == plain
    assert len(plain) >= 3


def test_a_tagger_is_plain_values_that_a_worker_can_read_without_the_models(catalogue):
    import pickle

    tagger = catalogue_tagger()
    text = "L'appel Trump-Xi du 5 juin; les terres rares, encore les terres rares."
    copy = pickle.loads(pickle.dumps(tagger))
    assert copy.suggest(language="fr", texts=[text], published=datetime.date(2025, 6, 1)) == (
        tagger.suggest(language="fr", texts=[text], published=datetime.date(2025, 6, 1))
    )
    assert "archive.models" not in pickle.dumps(tagger).decode("latin-1")


def test_suggested_words_are_the_json_the_field_stores():
    from archive.models import TagSuggestion

    field = TagSuggestion._meta.get_field("matched_words")
    words = ("terres rares", "稀土")
    assert Suggestion(1, None, words).row(catalogue_tagger().encoder) == (
        1,
        None,
        json.dumps(list(words), cls=field.encoder),
    )
