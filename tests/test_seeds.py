"""The seed files as the archive ships them: loaded by `load_seeds`, as `make run` does,
they can be browsed by the topics and events their metadata confirms."""

import re

import pytest
from django.core.management import call_command

from archive.models import Article, Event, TagSuggestion

# The events shared/reference/seed-facts.md ties to each seed, and the topics the seeds'
# sidecars give them ("004" holds a French article and its Vietnamese translation).
EVENTS = {
    "washington-trade-talks-2019": {"000"},
    "tariff-deadline-2019-03": {"000"},
    "peace-mission-2021": {"001"},
    "csto-kazakhstan-2022": {"001"},
    "sino-soviet-split-1960": {"001"},
    "biden-xi-woodside-summit-2023": {"003"},
    "biden-xi-call-2024-04": {"003"},
    "yellen-visit-2024-04": {"003"},
    "blinken-visit-2024-04": {"003"},
    "lai-inauguration-2024": {"003"},
    "geneva-talks-2025": {"004-fr", "004-vi"},
    "trump-xi-call-2025-06-05": {"004-fr", "004-vi"},
    "rare-earth-export-controls-2025-10": {"002"},
    "kuala-lumpur-talks-2025": {"002"},
    "trump-xi-apec-busan-2025": {"002"},
}
TOPICS = {
    "trade-and-tariffs": {"000", "002", "004-fr", "004-vi"},
    "rare-earths": {"002", "004-fr", "004-vi"},
    "agriculture": {"000"},
    "technology-and-export-controls": {"000", "002"},
    "military-and-security": {"001", "003"},
    "russia-and-ukraine": {"001", "003"},
    "diplomacy-and-summits": {"002", "003", "004-fr", "004-vi"},
    "taiwan": {"003"},
}


@pytest.fixture
def loaded(db):
    """{"000": article, …, "004-fr": the French article of 004, "004-vi": its translation}."""
    call_command("load_seeds", verbosity=0)
    articles = {}
    for article in Article.objects.select_related("language"):
        name = article.source_path.split("/")[-1][:3]
        articles[f"{name}-{article.language.code}" if name == "004" else name] = article
    return articles


def test_the_list_of_each_topic_and_event_shows_the_seeds_about_it(client, loaded):
    assert set(loaded) == {"000", "001", "002", "003", "004-fr", "004-vi"}
    cases = [("event", slug, names) for slug, names in EVENTS.items()]
    cases += [("topic", slug, names) for slug, names in TOPICS.items()]
    for parameter, slug, names in cases:
        page = client.get(f"/articles/?{parameter}={slug}").content.decode()
        shown = {name for name, article in loaded.items() if article.get_absolute_url() in page}
        assert (slug, shown) == (slug, names)
        api = client.get(f"/api/articles/?{parameter}={slug}").json()
        assert (slug, {r["id"] for r in api["results"]}) == (slug, {loaded[n].pk for n in names})


def test_confirmed_tags_are_not_also_suggested_and_other_tags_stay_suggestions(loaded):
    article = loaded["002"]
    confirmed = set(article.events.values_list("slug", flat=True))
    assert confirmed == {s for s, names in EVENTS.items() if "002" in names}
    suggestions = TagSuggestion.objects.filter(article=article)
    assert not suggestions.filter(event__slug__in=confirmed).exists()
    assert not suggestions.filter(topic__slug__in=article.topics.values("slug")).exists()
    # The loader suggests what the text mentions beyond its confirmed tags.
    assert TagSuggestion.objects.filter(article__in=loaded.values()).exists()


def test_loading_the_seeds_again_keeps_an_editors_removal_of_a_tag(loaded):
    article = loaded["003"]
    article.events.remove(Event.objects.get(slug="yellen-visit-2024-04"))
    call_command("load_seeds", verbosity=0)
    assert not article.events.filter(slug="yellen-visit-2024-04").exists()
    assert article.events.filter(slug="blinken-visit-2024-04").exists()


def test_the_article_page_of_003_shows_its_opening_sentence_once(client, loaded):
    page = client.get(loaded["003"].get_absolute_url()).content.decode()
    article = page.split("<article", 1)[1].split("</article>", 1)[0]  # not the citations
    sentence = "The American Secretary of State intends in particular to raise with Beijing"
    assert re.search(f"<h1[^>]*>{sentence}", article)
    assert article.count(sentence) == 1
