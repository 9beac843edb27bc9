"""Preparing records for the writer: everything the loader computes without the database,
in its own process or in worker processes that never set Django's apps up."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from archive.ingest.metadata import Metadata
from archive.ingest.prepare import (
    Record,
    index_values_renew,
    jsonl_record,
    parsed_terms,
    records_prepare,
    source_hash,
)
from archive.ingest.reading import IngestError
from archive.ingest.services import Status
from archive.ingest.tagging import Tagger
from archive.models import Article, Language
from archive.search.documents import article_terms, row_values
from benchmarks.corpus import write_jsonl
from tests.loading import FRENCH_STORY, load

TEXTS = Path(__file__).parent / "texts"


def record(text, *, key="a.txt", metadata=None):
    return Record(
        path="a.txt", text=text, metadata=metadata or Metadata(), key=key, source_hash="x"
    )


def run_python(code):
    """Run `code` in a fresh interpreter, with this one's settings, as a worker starts."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# --- Without the models ------------------------------------------------------------------------


def test_preparing_imports_no_models():
    result = run_python(
        "import sys\n"
        "import archive.ingest.prepare, archive.ingest.workers\n"
        "from django.apps import apps\n"
        "assert not apps.ready\n"
        "print(sorted(m for m in sys.modules if m == 'archive.models'))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_worker_prepares_records_without_setting_django_s_apps_up():
    lines = [
        json.dumps({"title": "Pourparlers", "body": FRENCH_STORY, "date": "2025-06"}),
        json.dumps({"body": FRENCH_STORY, "url": "javascript:alert(1)"}),
        "{not json",
    ]
    result = run_python(
        "import os, pickle, sys\n"
        "from pathlib import Path\n"
        "from archive.ingest import workers\n"
        "from archive.ingest.tagging import Tagger\n"
        "workers.start(pickle.dumps(Tagger()), ['fr', 'en'], os.getppid())\n"
        f"lines = [(n, line.encode()) for n, line in enumerate({lines!r}, start=1)]\n"
        "prepared = workers.prepare(lines, 'a.jsonl', Path('.'), frozenset())\n"
        "from django.apps import apps\n"
        "assert not apps.ready and 'archive.models' not in sys.modules\n"
        "for item in prepared:\n"
        "    print(item.line, item.failure or [a.parsed.language for a in item.articles])\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1 ['fr']",
        "2 url 'javascript:alert(1)' is not an http(s) address",
        "3 malformed JSON: Expecting property name enclosed in double quotes (column 2)",
    ]


@pytest.mark.django_db
def test_large_json_lines_are_prepared_in_worker_processes_with_the_same_result(
    tmp_path, settings, monkeypatch
):
    from archive.ingest import services as ingest_services

    path = write_jsonl(tmp_path / "corpus.jsonl", count=60)
    settings.ARCHIVE_INGEST_WORKERS = 1
    serial = [(o.line, o.status, o.article.title) for o in load(path, dry_run=True)]

    settings.ARCHIVE_INGEST_WORKERS = 2
    settings.ARCHIVE_INGEST_PARALLEL_FROM_BYTES = 0
    monkeypatch.setattr(ingest_services, "JSONL_BATCH", 7)
    parallel = [(o.line, o.status, o.article.title) for o in load(path)]
    assert parallel == serial
    assert len(parallel) >= 60
    assert all(status == Status.CREATED for _, status, _ in parallel)
    assert Article.objects.count() == len(parallel)


# --- What is prepared --------------------------------------------------------------------------


def test_an_article_s_index_row_is_the_row_of_the_article_stored_from_it():
    [item] = records_prepare(records=[record("Pourparlers\n\n" + FRENCH_STORY)], tagger=Tagger())
    [prepared] = item.articles
    parsed = prepared.parsed
    stored = Article(
        title=parsed.title,
        title_en=parsed.title_en,
        standfirst=parsed.standfirst,
        blocks=parsed.blocks,
        language=Language(code=parsed.language),
    )
    assert parsed_terms(parsed) == article_terms(stored)
    assert prepared.index_values == row_values(article_terms(stored))


def test_rows_made_again_with_other_common_terms_are_those_prepared_with_them():
    common = frozenset({"terres", "rares", "pekin"})
    text = "Pourparlers\n\n" + FRENCH_STORY
    again = records_prepare(records=[record(text)], tagger=Tagger())
    index_values_renew(again, common)
    [with_them] = records_prepare(records=[record(text)], tagger=Tagger(), common=common)
    assert again[0].articles[0].index_values == with_them.articles[0].index_values


def test_a_file_holding_a_translation_prepares_two_articles_with_keys_of_their_own():
    [item] = records_prepare(
        records=[record((TEXTS / "en-fr-lines.txt").read_text(), key="https://example.org/a")],
        tagger=Tagger(),
    )
    assert [article.key for article in item.articles] == [
        "https://example.org/a",
        "https://example.org/a#fr",
    ]


def test_a_record_without_words_fails_with_its_reason():
    [item] = records_prepare(records=[record("12345 678\n\n-- 42 --")], tagger=Tagger())
    assert (item.articles, item.failure) == ([], "cannot tell the language: no words to go by")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "over the"),
        (b"\xff{}", "not UTF-8"),
        (b"{not json", "malformed JSON"),
        (b'["a", "list"]', "must be a JSON object"),
        (b'{"title": "No body"}', "non-empty text 'body'"),
        (b'{"body": "  "}', "non-empty text 'body'"),
        (b'{"body": "x", "date": "soon"}', "not a date of the form"),
    ],
)
def test_a_bad_json_lines_record_is_refused_with_its_reason(raw, reason):
    with pytest.raises(IngestError, match=reason):
        jsonl_record(raw, 3, "a.jsonl", Path("."))


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"body": "x", "url": "https://example.org/a", "id": "7"}, "https://example.org/a"),
        ({"body": "x", "id": "7"}, "a.jsonl#7"),
        ({"body": "x"}, "a.jsonl:3"),
    ],
)
def test_a_record_is_known_by_its_url_its_id_or_its_line(data, key):
    assert jsonl_record(json.dumps(data).encode(), 3, "a.jsonl", Path(".")).key == key


def test_a_record_s_source_hash_follows_its_every_byte():
    first = jsonl_record(b'{"body": "x"}', 1, "a.jsonl", Path("."))
    again = jsonl_record(b'{"body": "x"}', 9, "b.jsonl", Path("."))
    other = jsonl_record(b'{"body": "x" }', 1, "a.jsonl", Path("."))
    assert first.source_hash == again.source_hash == source_hash('{"body": "x"}')
    assert other.source_hash != first.source_hash
