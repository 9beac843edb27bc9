import datetime
import io
import os
import shlex
import subprocess
from collections import Counter

from django.core.management import call_command

from archive.filters import ArticleFilter
from archive.ingest.catalogue import catalogue_load
from archive.models import Article
from benchmarks import ingest as ingest_bench
from benchmarks import pages as pages_bench
from benchmarks import records
from benchmarks import search as search_bench
from benchmarks.corpus import COMMON, LANGUAGES, articles, write_jsonl
from benchmarks.ingest import Run, table
from benchmarks.management.commands import bench_search
from benchmarks.management.commands.bench_ingest import Command as BenchIngest
from benchmarks.management.commands.bench_pages import Command as BenchPages
from benchmarks.stages import SUGGESTIONS, report, stage_costs


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


def test_the_table_of_runs_without_the_loader_has_no_ratios():
    rows = table([Run("postgres", "baseline", 1000, 0.5, 60)]).splitlines()
    assert rows[2] == "| postgres | baseline | 1,000 | 0.5 | 2,000 | – | 60 MB |"


def test_the_stages_report_charges_a_real_load_to_its_stages(db, settings, tmp_path):
    catalogue_load(path=settings.BASE_DIR / "seeds" / "catalogue.yaml")
    corpus = write_jsonl(tmp_path / "corpus.jsonl", count=12)
    costs = stage_costs(corpus=corpus, articles=10)
    assert Article.objects.count() == 10  # stored, as a load stores them
    for stage in (
        "reading records (JSON, NFC, source hash)",
        "language detection (fastText, lingua)",
        "SimHash",
        SUGGESTIONS,
        "index terms",
        "storing (Python)",
        "database: INSERT archive_article",
        "database: INSERT archive_search",
    ):
        assert costs[stage] > 0, stage
    # Each stage's own time: nested stages are not counted twice, so nothing is negative.
    assert min(costs.values()) >= -0.01


def test_the_stages_report_says_what_the_sum_allows():
    text = report({"detection": 1.0, "database": 0.5}, cores=2, target=1500)
    assert text.splitlines()[2] == "| detection | 1.000 | 67% |"
    assert text.splitlines()[-1] == (
        "At 1.50 ms an article, 2 cores load at most 1,333 articles a second; "
        "1,500 a second needs 1.33 ms or less."
    )


# --- The search benchmark ---------------------------------------------------------------------


def test_the_search_mix_is_fifty_fixed_queries_the_api_accepts(client, db):
    mix = search_bench.queries()
    assert len(mix) == 50
    assert mix == search_bench.queries()
    for q, filters in mix:
        response = client.get("/api/articles/", search_bench._filterset_data(q, filters))
        assert response.status_code == 200, (q, filters, response.content)


def test_tantivy_answers_the_mix_with_the_archives_own_counts(seeds, tmp_path, monkeypatch):
    """The engine's limit is measured on the same question: same terms, same matches."""
    monkeypatch.setattr(search_bench, "BENCH_DIR", tmp_path)
    tantivy_counts = search_bench._tantivy(len(seeds), out=lambda *_: None, counts=True)
    found = 0
    for q, filters in search_bench.queries():
        data = search_bench._filterset_data(q, filters)
        ours = ArticleFilter(data, queryset=Article.objects.all()).search().count()
        assert tantivy_counts(q, filters) == ours, (q, filters)
        found += ours > 0
    assert found >= 25  # most of the mix finds something in the seeds


def test_the_search_table_gives_p95_as_ratios_and_marks_stopped_queries():
    timings = [
        search_bench.Timing("sqlite", "search module, cold", 10.0, 40.0, 150),
        search_bench.Timing("sqlite", "modelsearch (peer)", 900.0, 30000.0, 20, timed_out=3),
        search_bench.Timing("sqlite", "tantivy (limit)", 1.0, 4.0, 150),
    ]
    rows = search_bench.table(timings, articles=1000).splitlines()
    assert rows[2] == "| sqlite | search module, cold | 150 | 10.0 | 40.0 | 10.00 | 0.00 |"
    assert rows[3].startswith("| sqlite | modelsearch (peer) | 20 (3 stopped at 30 s) | ≥ 900.0 |")


# --- The dated records of the runs ----------------------------------------------------------


def test_a_run_adds_its_table_to_the_days_record(tmp_path, monkeypatch, capsys):
    """A tiny real run: the baseline on SQLite, five articles, as typed on a command line."""
    monkeypatch.setattr(ingest_bench, "BENCH_DIR", tmp_path / "bench")
    folder = tmp_path / "records"
    argv = ["manage.py", "bench_ingest", "--articles", "5", "--database", "sqlite"]
    argv += ["--variant", "baseline", "--records", str(folder)]
    days = {datetime.date.today()}
    BenchIngest().run_from_argv(argv)
    days.add(datetime.date.today())

    [path] = folder.iterdir()
    assert path.name in {f"{day:%Y-%m-%d}-ingest-5.md" for day in days}
    text = path.read_text()
    assert text.startswith("# Ingest benchmark, 5 articles, ")
    assert f"- command: `{shlex.join(argv)}`\n" in text
    assert f"- processors: {os.cpu_count()}\n" in text
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    assert f"- commit: {commit or 'unknown (not a git checkout)'}\n" in text
    # The table printed is the table kept.
    printed = capsys.readouterr().out
    table_lines = [line for line in printed.splitlines() if line.startswith("|")]
    assert table_lines[2].startswith("| sqlite | baseline | 5 | ")
    assert "\n".join(table_lines) in text


def test_the_runs_of_a_day_and_size_go_to_one_record(tmp_path):
    morning = datetime.datetime(2026, 12, 1, 9, 30)
    first = records.record(
        kind="search",
        articles=10,
        command_line="manage.py bench_search",
        text="| a |",
        folder=tmp_path,
        now=morning,
    )
    second = records.record(
        kind="search",
        articles=10,
        command_line="manage.py bench_search",
        text="| b |",
        folder=tmp_path,
        now=morning.replace(hour=11),
    )
    assert first == tmp_path / "2026-12-01-search-10.md"
    assert second == first
    text = first.read_text()
    assert text.startswith("# Search benchmark, 10 articles, 2026-12-01\n")
    assert text.count("# Search benchmark") == 1
    assert text.index("## Run at 09:30") < text.index("| a |") < text.index("## Run at 11:30")
    assert text.rstrip().endswith("| b |")


def test_the_search_benchmark_keeps_its_table_too(tmp_path, monkeypatch):
    timings = [search_bench.Timing("sqlite", "search module, cold", 10.0, 40.0, 150)]
    monkeypatch.setattr(bench_search, "search_benchmark", lambda **_: timings)
    call_command(
        bench_search.Command(),
        articles=7,
        databases=["sqlite"],
        records=tmp_path,
        stdout=io.StringIO(),
    )
    [path] = tmp_path.iterdir()
    assert path.name.endswith("-search-7.md")
    text = path.read_text()
    assert "- command: `manage.py bench_search (from call_command)`" in text
    assert search_bench.table(timings, articles=7) in text


def test_a_run_that_measured_nothing_keeps_no_record(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_search, "search_benchmark", lambda **_: [])
    call_command(bench_search.Command(), records=tmp_path, stdout=io.StringIO())
    assert not list(tmp_path.iterdir())


# --- The pages benchmark --------------------------------------------------------------------


def test_the_pages_corpus_is_the_search_corpus_with_the_catalogues_topics_and_events():
    tagged = list(pages_bench.tagged_articles(count=200))
    assert tagged == list(pages_bench.tagged_articles(count=200))
    plain = list(articles(count=200, seed=pages_bench.SEED))
    assert [record["body"] for record in tagged] == [record["body"] for record in plain]
    topics, events = pages_bench._catalogue_slugs()
    assert all(1 <= len(record["topics"]) <= 2 for record in tagged)
    assert {slug for record in tagged for slug in record["topics"]} <= set(topics)
    with_event = [record["events"][0] for record in tagged if "events" in record]
    assert set(with_event) <= set(events)
    assert 0.2 < len(with_event) / len(tagged) < 0.4
    # A few large topics and events, many small ones: the first in the catalogue is largest.
    assert Counter(with_event).most_common(1)[0][0] == events[0]
    first_topics = Counter(slug for record in tagged for slug in record["topics"])
    assert first_topics.most_common(1)[0][0] == topics[0]


def test_the_pages_benchmark_times_each_page_cold_and_warm_with_its_queries(db, settings, tmp_path):
    from archive.ingest.services import articles_load

    corpus = pages_bench.write_corpus(tmp_path / "corpus.jsonl", count=30)
    list(articles_load(paths=[pages_bench.catalogue_path()]))
    list(articles_load(paths=[corpus]))
    assert Article.objects.count() == 30

    timings, missing = pages_bench.time_pages(repeats=2, out=lambda *_: None)
    assert missing == []
    by_name = {timing.page: timing for timing in timings}
    assert {name: timing.path for name, timing in by_name.items()} == {
        "home": "/",
        "event, most articles": "/events/washington-trade-talks-2019/",
        "topic, most articles": "/topics/trade-and-tariffs/",
        "language, most articles": "/languages/en/",
        "article list": "/articles/",
        "search “China”": "/articles/?q=China",
    }
    for timing in timings:
        assert 0 < timing.cold_p50_ms <= timing.cold_p95_ms
        assert 0 < timing.warm_p50_ms <= timing.warm_p95_ms
        # A warm page asks the database no more than a cold one (the search is cached).
        assert 0 < timing.warm_queries <= timing.cold_queries
    assert by_name["search “China”"].warm_queries < by_name["search “China”"].cold_queries

    rows = pages_bench.table(timings, articles=30, skipped=missing).splitlines()
    assert rows[0].startswith("| database | page (30 articles) | path | cold p50 ms |")
    assert rows[2].startswith(f"| {timings[0].database} | home | `/` | ")
    assert len(rows) == 2 + 6


def test_a_pages_run_loads_its_corpus_once_and_keeps_its_table_out_of_docs(
    tmp_path, monkeypatch, capsys
):
    """A tiny real run on SQLite, as typed on a command line, recorded in a folder of its own."""
    monkeypatch.setattr(pages_bench, "BENCH_DIR", tmp_path / "bench")
    folder = tmp_path / "records"
    argv = ["manage.py", "bench_pages", "--articles", "24", "--database", "sqlite"]
    argv += ["--repeats", "2", "--records", str(folder)]
    BenchPages().run_from_argv(argv)

    assert (tmp_path / "bench" / "pages-sqlite-24.loaded").exists()
    [path] = folder.iterdir()
    assert path.name.endswith("-pages-24.md")
    text = path.read_text()
    assert text.startswith("# Pages benchmark, 24 articles, ")
    assert f"- command: `{shlex.join(argv)}`\n" in text
    printed = capsys.readouterr().out
    assert "loading 24 articles into sqlite" in printed
    table_lines = [line for line in printed.splitlines() if line.startswith("|")]
    assert table_lines[2].startswith("| sqlite | home | `/` | ")
    assert "\n".join(table_lines) in text
