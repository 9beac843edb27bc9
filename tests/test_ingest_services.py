import datetime
import json
import random
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.dates import DatePrecision
from archive.ingest import store
from archive.ingest.reading import IngestError
from archive.ingest.services import Status
from archive.models import Article, Event, TagSuggestion, Topic
from tests.loading import DUTCH, FRENCH_STORY, load, statuses, write

pytestmark = pytest.mark.django_db


# --- The seeds ---------------------------------------------------------------------------


def test_seed_000_is_dutch_with_a_derived_title_and_two_subheadings(seeds):
    article = seeds["000"]
    assert article.language.code == "nl"
    assert article.title_is_derived
    assert article.title.startswith("China en de VS hebben donderdag besprekingen afgesloten")
    assert article.subheadings == ["Heel veel sojabonen", "Huawei niet besproken"]
    assert article.captions == []


def test_seed_001_is_dutch_with_two_captions_and_four_subheadings(seeds):
    article = seeds["001"]
    assert article.language.code == "nl"
    assert article.title_is_derived
    assert article.title.startswith("Een gezamenlijk ruimtestation op de maan")
    assert len(article.captions) == 2
    assert all(caption.endswith("Beeld Getty") for caption in article.captions)
    assert article.subheadings == [
        "Autoritair monsterverbond",
        "In autoritaire normen komen Moskou en Beijing samen",
        "Drie eerdere allianties zijn mislukt",
        "Moskou wil niet afhankelijk worden, Beijing is behoedzaam",
    ]


def test_seed_002_is_french(seeds):
    assert seeds["002"].language.code == "fr"
    assert "Kuala Lumpur" in seeds["002"].body


def test_seed_003_is_english_with_its_standfirst_stored_once_as_its_title(seeds):
    article = seeds["003"]
    standfirst = (
        "The American Secretary of State intends in particular to raise with Beijing the "
        "question of support for the Russian defense industry."
    )
    assert article.language.code == "en"
    assert (article.title, article.title_is_derived, article.standfirst) == (standfirst, True, "")
    everything = "\n".join(
        [article.title, article.standfirst, *[b["text"] for b in article.blocks]]
    )
    assert everything.count(standfirst) == 1
    assert article.blocks[1]["text"].startswith("Washington acknowledges that China")
    assert article.subheadings == [
        "Taiwan, major source of disagreement",
        "Passage through Shanghai",
    ]


def test_seed_004_is_a_french_article_and_its_vietnamese_translation(seeds):
    french, vietnamese = seeds["004"], seeds["004-vi"]
    assert french.language.code == "fr"
    assert vietnamese.language.code == "vi"
    assert vietnamese.translation_of == french
    assert list(french.translations()) == [vietnamese]
    assert list(vietnamese.translations()) == [french]
    assert french.title.startswith("L'appel Trump-Xi renforce l'image d'homme fort")
    assert french.title_en == (
        "Trump–Xi call boosts Chinese president’s tough man image — and may have handed him "
        "the upper hand in future talks"
    )
    assert vietnamese.title.startswith("Cuộc điện đàm Trump-Xi củng cố hình ảnh")
    assert not french.title_is_derived
    # The French headline printed twice is stored once, as the headline.
    assert all(not b["text"].startswith("L'appel Trump-Xi") for b in french.blocks)
    assert all("Cuộc" not in b["text"] for b in french.blocks)
    assert Article.objects.search('"upper hand"').articles.get() == french


@pytest.mark.parametrize(
    ("seed", "date", "precision"),
    [
        ("000", datetime.date(2019, 2, 1), DatePrecision.DAY),
        ("001", datetime.date(2022, 1, 1), DatePrecision.MONTH),
        ("002", datetime.date(2025, 10, 25), DatePrecision.DAY),
        ("003", datetime.date(2024, 4, 20), DatePrecision.DAY),
        ("004", datetime.date(2025, 6, 1), DatePrecision.MONTH),
        ("004-vi", datetime.date(2025, 6, 1), DatePrecision.MONTH),
    ],
)
def test_seed_dates_are_those_of_the_seed_facts(seeds, seed, date, precision):
    article = seeds[seed]
    assert (article.published, article.date_precision) == (date, precision)
    assert article.date_approximate


def test_the_catalogue_of_topics_and_events_is_loaded_with_the_seeds(seeds):
    assert set(Topic.objects.values_list("slug", flat=True)) == {
        "trade-and-tariffs",
        "technology-and-export-controls",
        "rare-earths",
        "taiwan",
        "russia-and-ukraine",
        "diplomacy-and-summits",
        "military-and-security",
        "agriculture",
    }
    assert Event.objects.count() == 15
    call = Event.objects.get(slug="trump-xi-call-2025-06-05")
    assert call.start_date == datetime.date(2025, 6, 5)
    talks = Event.objects.get(slug="kuala-lumpur-talks-2025")
    assert (talks.start_date, talks.end_date, talks.place) == (
        datetime.date(2025, 10, 25),
        datetime.date(2025, 10, 26),
        "Kuala Lumpur",
    )
    assert Event.objects.get(slug="sino-soviet-split-1960").date_precision == "year"
    assert Topic.objects.get(slug="rare-earths").keywords.filter(text="稀土").exists()


def suggested(article):
    return {(s.tag.slug): s.matched_words for s in TagSuggestion.objects.filter(article=article)}


def test_seeds_get_suggestions_with_the_words_that_triggered_them(untagged_seeds):
    seeds = untagged_seeds
    assert suggested(seeds["002"])["kuala-lumpur-talks-2025"] == ["Kuala Lumpur"]
    assert "terres rares" in suggested(seeds["002"])["rare-earths"]
    assert "5 juin" in suggested(seeds["004"])["trump-xi-call-2025-06-05"]
    assert "5/6" in suggested(seeds["004-vi"])["trump-xi-call-2025-06-05"]
    assert "đất hiếm" in suggested(seeds["004-vi"])["rare-earths"]
    assert "sojabonen" in suggested(seeds["000"])["agriculture"]
    assert "Vredesmissie" in suggested(seeds["001"])["peace-mission-2021"]
    assert "Blinken" in suggested(seeds["003"])["blinken-visit-2024-04"]


def test_suggestions_are_not_tags_until_confirmed(untagged_seeds):
    article = untagged_seeds["002"]
    assert not article.topics.exists()
    assert not article.events.exists()
    suggestion = article.suggestions.get(event__slug="kuala-lumpur-talks-2025")
    suggestion.confirm()
    assert list(article.events.values_list("slug", flat=True)) == ["kuala-lumpur-talks-2025"]
    assert not article.suggestions.filter(event__slug="kuala-lumpur-talks-2025").exists()


# --- Loading again -----------------------------------------------------------------------


def test_loading_the_seeds_again_changes_nothing(seeds, settings):
    before = list(Article.objects.values_list("pk", "title", "content_hash", "updated_at"))
    suggestions_before = TagSuggestion.objects.count()
    outcomes = load(settings.BASE_DIR / "seeds")
    assert statuses(outcomes) == [Status.CATALOGUE] + [Status.UNCHANGED] * 6
    assert outcomes[0].detail == (
        "0 topics, 0 events, 0 concepts and 0 keywords, aliases or labels added"
    )
    assert list(Article.objects.values_list("pk", "title", "content_hash", "updated_at")) == before
    assert TagSuggestion.objects.count() == suggestions_before


# --- Bad input -----------------------------------------------------------------------------


@pytest.fixture
def small_limit(settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 2000
    return settings.ARCHIVE_MAX_FILE_BYTES


# Bytes that are neither UTF-8 nor any legacy encoding's plausible text.
_rng = random.Random(1)
RANDOM_HIGH_BYTES = bytes(_rng.randrange(128, 256) for _ in range(400))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\r\n\t\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("control.txt", bytes(range(1, 9)) * 50, "binary file"),
        ("garbage.txt", RANDOM_HIGH_BYTES, "not UTF-8"),
        ("numbers.txt", b"12345 678\n\n-- 42 --\n", "cannot tell the language"),
        ("big.txt", b"word " * 500, "over the 2,000-byte limit"),
        ("unclosed.md", b"---\ntitle: x\n\nBody text here.\n", "line 1: front matter"),
        ("yaml.md", b"---\ntitle: [unclosed\n---\nBody.\n", "line 2: malformed front matter"),
        ("colon.md", b"---\ntitle: Terres rares : la crise\n---\nBody.\n", "put quotes around"),
        ("list.md", b"---\n- a\n- b\n---\nBody.\n", "front matter must be a mapping"),
        ("date.md", b"---\ndate: June 2025\n---\nBody.\n", "not a date of the form"),
        ("month.md", b"---\ndate: 2025-13\n---\nBody.\n", "not a valid date"),
        ("url.md", b"---\nurl: javascript:alert(1)\n---\nBody.\n", "not an http(s) address"),
        ("lang.md", b"---\nlanguage: French\n---\nBody.\n", "not an ISO 639-1 code"),
        ("flag.md", b"---\ndate_approximate: maybe\n---\nBody.\n", "true or false"),
        ("tags.md", b"---\ntopics: {a: 1}\n---\nBody.\n", "list of names"),
        ("notes.pdf", b"%PDF-1.7", "not an article file"),
    ],
)
def test_a_bad_file_is_reported_with_its_reason_and_stores_nothing(
    tmp_path, small_limit, name, content, reason
):
    [outcome] = load(write(tmp_path, name, content))
    assert outcome.status == Status.FAILED
    assert reason in outcome.detail
    assert outcome.path.endswith(name)
    assert Article.objects.count() == 0


def test_an_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.txt", DUTCH)

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    [outcome] = load(path)
    assert outcome.status == Status.FAILED
    assert "Permission denied" in outcome.detail


def test_a_missing_path_is_reported():
    [outcome] = load("/no/such/folder")
    assert (outcome.status, outcome.detail) == (Status.FAILED, "no such file or folder")


def test_a_file_that_fails_halfway_leaves_nothing_behind(seeds, settings, tmp_path, monkeypatch):
    shutil.copy(settings.BASE_DIR / "seeds" / "004_b9c731b561ac0d7c.txt", tmp_path / "004.txt")
    Article.objects.all().delete()
    stored_before_failing = []

    def fail_after_storing_the_articles(suggestions):
        stored_before_failing.append(Article.objects.count())
        raise IngestError("simulated failure")

    monkeypatch.setattr(store, "_suggestions_create", fail_after_storing_the_articles)
    [outcome] = load(tmp_path / "004.txt")
    assert outcome.status == Status.FAILED
    assert "simulated failure" in outcome.detail
    assert stored_before_failing == [2]
    assert Article.objects.count() == 0


def test_the_batch_goes_on_past_bad_files(tmp_path):
    write(tmp_path, "1.txt", b"\x00\x01")
    write(tmp_path, "2.txt", DUTCH)
    write(tmp_path, "3.md", b"---\ndate: never\n---\nText")
    write(tmp_path, "notes.pdf", b"%PDF")
    write(tmp_path, ".hidden.txt", DUTCH + "extra")
    write(tmp_path, "2.yaml", "source: NRC\n")
    outcomes = load(tmp_path, tmp_path / "missing.txt")
    assert [(Path(o.path).name, o.status) for o in outcomes] == [
        ("missing.txt", Status.FAILED),
        ("1.txt", Status.FAILED),
        ("2.txt", Status.CREATED),
        ("3.md", Status.FAILED),
    ]
    assert Article.objects.get().source_name == "NRC"


# --- Formats --------------------------------------------------------------------------------


def test_front_matter_wins_over_what_the_text_suggests(tmp_path):
    Topic.objects.create(name="Trade and tariffs", slug="trade")
    Event.objects.create(name="Kuala Lumpur talks", slug="kl-talks")
    write(
        tmp_path,
        "fm.md",
        "---\n"
        'title: "Terres rares : la trêve en jeu"\n'
        "subtitle: Pékin et Washington se retrouvent en Malaisie.\n"
        "date: 2025-10\n"
        "date_approximate: true\n"
        "source: Le Monde\n"
        "url: https://example.org/terres-rares\n"
        "language: fr\n"
        "topics: [trade, Unknown topic]\n"
        "events: Kuala Lumpur talks\n"
        "colour: blue\n"
        "---\n"
        "# Un titre dans le texte\n\n"
        + FRENCH_STORY
        + "\n\n## Le rôle de Pékin\n\nDernier paragraphe.",
    )
    [outcome] = load(tmp_path / "fm.md")
    article = outcome.article
    assert article.title == "Terres rares : la trêve en jeu"
    assert article.standfirst == "Pékin et Washington se retrouvent en Malaisie."
    assert (article.published, article.date_precision) == (datetime.date(2025, 10, 1), "month")
    assert article.date_approximate
    assert (article.source_name, article.source_url) == (
        "Le Monde",
        "https://example.org/terres-rares",
    )
    assert article.language.code == "fr"
    assert list(article.topics.values_list("slug", flat=True)) == ["trade"]
    assert list(article.events.values_list("slug", flat=True)) == ["kl-talks"]
    assert article.subheadings == ["Un titre dans le texte", "Le rôle de Pékin"]
    assert "unknown field 'colour' ignored" in outcome.warnings
    assert "unknown topic 'Unknown topic' ignored" in outcome.warnings


def test_a_given_language_keeps_a_mixed_file_in_one_article(settings, tmp_path):
    text = (settings.BASE_DIR / "seeds" / "004_b9c731b561ac0d7c.txt").read_text()
    write(tmp_path, "mixed.md", "---\nlanguage: fr\n---\n" + text)
    outcomes = load(tmp_path / "mixed.md")
    assert len(outcomes) == 1
    assert outcomes[0].article.language.code == "fr"


def test_translation_of_links_to_the_named_file_even_when_loaded_first(tmp_path):
    english = "The talks are about Chinese restrictions on the export of rare earths. " * 8
    write(tmp_path, "b-en.md", "---\ntranslation_of: a-fr.md\n---\nTrade talks\n\n" + english)
    write(tmp_path, "a-fr.md", "Pourparlers\n\n" + FRENCH_STORY)
    load(tmp_path / "b-en.md")
    load(tmp_path / "a-fr.md")
    english = Article.objects.get(language__code="en")
    assert english.translation_of == Article.objects.get(language__code="fr")


@pytest.mark.parametrize("name", ["en-zh-blocks.txt", "en-zh-lines.txt", "en-fr-lines.txt"])
def test_an_interleaved_translation_is_stored_as_two_linked_articles(name):
    outcomes = load(Path(__file__).parent / "texts" / name)
    assert statuses(outcomes) == [Status.CREATED, Status.CREATED]
    original, translation = (outcome.article for outcome in outcomes)
    assert original.language.code == "en"
    assert translation.language.code in ("zh", "fr")
    assert translation.translation_of == original
    assert (original.title_is_derived, translation.title_is_derived) == (False, False)
    assert original.title in {
        "Joint statement on the Stockholm economic and trade talks",
        "Trade talks resume in Kuala Lumpur",
    }


def test_cjk_articles_are_stored_with_paragraphs_not_subheadings():
    for name in ("zh-hans", "zh-hant", "ja", "ko"):
        [outcome] = load(Path(__file__).parent / "texts" / f"{name}.txt")
        article = Article.objects.get(pk=outcome.article.pk)
        assert article.language.code == name[:2]
        assert not article.title_is_derived
        assert len(article.subheadings) <= 1
        assert sum(block["kind"] == "paragraph" for block in article.blocks) >= 5


def test_json_lines_load_each_record_and_report_bad_lines(tmp_path):
    records = [
        {"title": "Kuala Lumpur talks", "body": FRENCH_STORY, "date": "2025-10-25", "id": "a"},
        "{not json",
        ["a", "list"],
        {"title": "No body"},
        {"body": DUTCH, "url": "https://example.org/nl", "date": 2019},
        {"body": "x", "date": "soon"},
    ]
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path = write(tmp_path, "bulk.jsonl", "\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]))
    outcomes = load(path)
    assert [(o.line, o.status) for o in outcomes] == [
        (1, Status.CREATED),
        (2, Status.FAILED),
        (4, Status.FAILED),
        (5, Status.FAILED),
        (6, Status.CREATED),
        (7, Status.FAILED),
    ]
    assert "malformed JSON" in outcomes[1].detail
    assert "must be a JSON object" in outcomes[2].detail
    assert "non-empty text 'body'" in outcomes[3].detail
    assert "not a date of the form" in outcomes[5].detail
    assert outcomes[1].where.endswith("bulk.jsonl:2")
    french = Article.objects.get(language__code="fr")
    assert (french.title, french.published) == ("Kuala Lumpur talks", datetime.date(2025, 10, 25))
    dutch = Article.objects.get(language__code="nl")
    assert (dutch.date_precision, dutch.source_url) == ("year", "https://example.org/nl")
    assert statuses(load(path)).count(Status.UNCHANGED) == 2


def test_json_lines_refuse_an_oversized_record_and_read_on(tmp_path, small_limit):
    big = json.dumps({"body": "mot " * 1000})
    path = write(tmp_path, "big.jsonl", big + "\n" + json.dumps({"body": FRENCH_STORY}) + "\n")
    outcomes = load(path)
    assert [(o.line, o.status) for o in outcomes] == [(1, Status.FAILED), (2, Status.CREATED)]
    assert "over the 2,000-byte limit" in outcomes[0].detail


def test_json_lines_must_be_utf8(tmp_path):
    path = write(tmp_path, "latin.jsonl", '{"body": "café"}\n'.encode("latin-1"))
    [outcome] = load(path)
    assert outcome.status == Status.FAILED
    assert "not UTF-8" in outcome.detail


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_legacy_encoding_is_decoded_with_a_warning(tmp_path, encoding):
    text = "Le café de Genève\n\n" + FRENCH_STORY.replace("’", "'")
    [outcome] = load(write(tmp_path, "legacy.txt", text.encode(encoding)))
    assert outcome.status == Status.CREATED
    assert outcome.article.title == "Le café de Genève"
    assert any("not UTF-8; decoded as" in warning for warning in outcome.warnings)


def test_a_dry_run_reports_without_writing(seeds, settings, tmp_path):
    write(tmp_path, "new.txt", DUTCH)
    count = Article.objects.count()
    outcomes = load(tmp_path, settings.BASE_DIR / "seeds", dry_run=True)
    assert statuses(outcomes).count(Status.CREATED) == 1
    assert statuses(outcomes).count(Status.UNCHANGED) == 6
    assert Article.objects.count() == count


# --- The command ----------------------------------------------------------------------------


def test_the_command_prints_a_line_per_file_and_a_summary(tmp_path, capsys):
    write(tmp_path, "good.txt", DUTCH)
    write(tmp_path, "bad.txt", b"")
    with pytest.raises(CommandError, match="1 file"):
        call_command("load_seeds", str(tmp_path))
    captured = capsys.readouterr()
    assert "created" in captured.out
    assert "good.txt: #" in captured.out
    assert "1 created, 0 updated, 0 unchanged, 0 duplicate, 1 failed" in captured.out
    assert "bad.txt: empty file" in captured.err


def test_the_command_loads_the_seeds_by_default_and_a_second_time_nothing(capsys):
    call_command("load_seeds")
    assert "6 created, 0 updated, 0 unchanged, 0 duplicate, 0 failed" in capsys.readouterr().out
    call_command("load_seeds")
    assert "0 created, 0 updated, 6 unchanged, 0 duplicate, 0 failed" in capsys.readouterr().out


def test_the_command_dry_run_writes_nothing(capsys):
    call_command("load_seeds", "--dry-run")
    assert "Dry run, nothing written: 6 created" in capsys.readouterr().out
    assert Article.objects.count() == 0
    assert Topic.objects.count() == 0


def test_on_a_terminal_the_command_shows_a_progress_bar(tmp_path, monkeypatch, capsys):
    from django.core.management.base import OutputWrapper

    write(tmp_path, "good.txt", DUTCH)
    monkeypatch.setattr(OutputWrapper, "isatty", lambda self: True)
    call_command("load_seeds", str(tmp_path))
    captured = capsys.readouterr()
    assert "1 records" in captured.err
    assert "good.txt" not in captured.out
    assert "1 created" in captured.out


def test_a_first_large_load_chooses_the_common_terms_and_rewrites_earlier_rows(
    tmp_path, settings, monkeypatch
):
    from archive.ingest import services as ingest_services
    from archive.search.documents import common_terms
    from archive.search.maintenance import index_check
    from benchmarks.corpus import write_jsonl

    call_command("load_seeds")
    before = sorted(Article.objects.search('"Kuala Lumpur"').articles.values_list("pk", flat=True))
    path = write_jsonl(tmp_path / "corpus.jsonl", count=60)
    settings.ARCHIVE_INGEST_PARALLEL_FROM_BYTES = 0
    monkeypatch.setattr(ingest_services, "JSONL_BATCH", 20)
    assert all(o.status == Status.CREATED for o in load(path))

    common = common_terms()
    if connection.vendor == "postgresql":
        # The corpus's common words (benchmarks.corpus) are among them.
        assert {"trump", "china"} <= common
        assert len(common) == 100
    else:
        assert common == frozenset()  # SQLite's index knows where words stand: no pairs
    # The seeds' rows were written again with the list, as the corpus's were.
    assert not index_check()
    after = Article.objects.search('"Kuala Lumpur"').articles.values_list("pk", flat=True)
    assert sorted(after) == before
