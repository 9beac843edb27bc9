from archive.bench.corpus import COMMON, LANGUAGES, articles, write_jsonl
from archive.bench.ingest import Run, table


def test_the_corpus_is_the_same_on_every_run_and_in_every_language():
    first = list(articles(count=10))
    assert first == list(articles(count=10))
    assert first != list(articles(count=10, seed=1))
    assert [record["id"] for record in first[:2]] == ["synthetic-0", "synthetic-1"]
    for number, record in enumerate(first):
        language = LANGUAGES[number % len(LANGUAGES)]
        words = len(record["body"]) if language == "zh" else len(record["body"].split())
        assert words >= 300
        assert any(word in record["body"] for word in COMMON[language])


def test_the_corpus_file_is_written_once(tmp_path):
    path = write_jsonl(tmp_path / "corpus.jsonl", count=3)
    stamp = path.stat().st_mtime_ns
    assert len(path.read_text().splitlines()) == 3
    assert write_jsonl(tmp_path / "corpus.jsonl", count=3).stat().st_mtime_ns == stamp


def test_the_table_gives_rates_as_ratios_of_the_loader():
    runs = [Run("sqlite", "loader", 1000, 1.0, 300), Run("sqlite", "baseline", 1000, 0.25, 60)]
    rows = table(runs).splitlines()
    assert rows[2] == "| sqlite | loader | 1,000 | 1.0 | 1,000 | 1.00 | 300 MB |"
    assert rows[3] == "| sqlite | baseline | 1,000 | 0.2 | 4,000 | 4.00 | 60 MB |"
