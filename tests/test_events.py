import pytest

from archive.events import events_merge
from archive.models import Article, Event, EventAlias, TagRejection, TagSuggestion
from tests.factories import ArticleFactory, EventFactory, LanguageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicates():
    """Blinken's visit entered twice, and a third copy, with tags, aliases, suggestions and
    rejections that overlap in every way the unique constraints care about."""
    fr = LanguageFactory(code="fr")
    keep = EventFactory(name="Antony Blinken's visit to China", slug="blinken-visit")
    twin = EventFactory(name="Blinken in Beijing", slug="blinken-beijing")
    third = EventFactory(name="Blinken trip", slug="blinken-trip")
    EventAlias.objects.create(event=keep, text="Blinken")
    EventAlias.objects.create(event=keep, language=fr, text="visite de Blinken")
    EventAlias.objects.create(event=twin, text="Blinken")  # both have it
    EventAlias.objects.create(event=twin, language=fr, text="Blinken à Pékin")
    EventAlias.objects.create(event=third, text="Blinken trip")
    EventAlias.objects.create(event=third, language=fr, text="Blinken à Pékin")
    articles = {
        name: ArticleFactory(title=f"Blinken {name}")
        for name in ("both", "twin", "third", "suggested", "twice", "rejected", "tagged")
    }
    articles["both"].events.set([keep, twin])
    articles["twin"].events.set([twin])
    articles["third"].events.set([third])
    articles["tagged"].events.set([keep])

    def suggest(article, event, *words):
        TagSuggestion.objects.create(article=articles[article], event=event, matched_words=words)

    suggest("suggested", twin, "Blinken")
    suggest("twice", keep, "Blinken", "24 April")
    suggest("twice", twin, "Blinken", "Beijing")
    suggest("twice", third, "Blinken trip")
    suggest("twin", keep, "Blinken")  # tagged with the twin: tagged with the kept one now
    suggest("rejected", keep, "Blinken")
    TagRejection.objects.create(article=articles["rejected"], event=twin)
    TagRejection.objects.create(article=articles["rejected"], event=third)
    TagRejection.objects.create(article=articles["tagged"], event=twin)
    return keep, [twin, third], articles


def test_merging_keeps_every_tag_once(duplicates):
    keep, merged, _ = duplicates
    assert events_merge(keep=keep, merged=merged) == 2
    assert list(Event.objects.all()) == [keep]
    tagged = {article.title for article in keep.articles.all()}
    assert tagged == {"Blinken both", "Blinken twin", "Blinken third", "Blinken tagged"}
    assert Article.events.through.objects.count() == 4


def test_merging_keeps_every_alias_once(duplicates):
    keep, merged, _ = duplicates
    events_merge(keep=keep, merged=merged)
    aliases = set(EventAlias.objects.values_list("event_id", "language__code", "text"))
    assert aliases == {
        (keep.pk, None, "Blinken"),
        (keep.pk, "fr", "visite de Blinken"),
        (keep.pk, "fr", "Blinken à Pékin"),
        (keep.pk, None, "Blinken trip"),
    }


def test_merging_keeps_suggestions_once_with_their_words(duplicates):
    keep, merged, _ = duplicates
    events_merge(keep=keep, merged=merged)
    suggestions = {
        s.article.title: s.matched_words for s in TagSuggestion.objects.select_related("article")
    }
    # Tagged now: no suggestion; rejected through a merged event: none either.
    assert suggestions == {
        "Blinken suggested": ["Blinken"],
        "Blinken twice": ["Blinken", "24 April", "Beijing", "Blinken trip"],
    }
    assert set(TagSuggestion.objects.values_list("event_id", flat=True)) == {keep.pk}


def test_merging_keeps_rejections_once_unless_the_article_is_tagged(duplicates):
    keep, merged, _ = duplicates
    events_merge(keep=keep, merged=merged)
    rejections = set(TagRejection.objects.values_list("article__title", "event_id"))
    assert rejections == {("Blinken rejected", keep.pk)}


def test_merging_an_event_into_itself_or_nothing_changes_nothing(duplicates):
    keep, _, _ = duplicates
    assert events_merge(keep=keep, merged=[keep]) == 0
    assert events_merge(keep=keep, merged=[]) == 0
    assert Event.objects.count() == 3


def test_the_public_page_of_the_kept_event_lists_every_article_at_once(duplicates, client):
    keep, merged, _ = duplicates
    before = client.get("/events/blinken-visit/").content.decode()
    assert "Blinken third" not in before
    events_merge(keep=keep, merged=merged)
    page = client.get("/events/blinken-visit/").content.decode()
    for title in ("Blinken both", "Blinken twin", "Blinken third", "Blinken tagged"):
        assert title in page
    assert client.get("/events/blinken-trip/").status_code == 404
    found = Article.objects.filter(events=keep).search("Blinken")
    assert found.count() == 4


def test_a_failed_merge_leaves_everything_as_it_was(duplicates, monkeypatch):
    keep, merged, _ = duplicates

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(TagSuggestion.objects, "bulk_update", fail)
    with pytest.raises(RuntimeError):
        events_merge(keep=keep, merged=merged)
    assert Event.objects.count() == 3
    assert Article.events.through.objects.count() == 5
    assert EventAlias.objects.filter(event=keep).count() == 2
