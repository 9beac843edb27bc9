"""Where the loader's processor time goes, stage by stage: the benchmark's rate says how fast
the loader is, this says why.

`stage_costs` runs the loader's own functions on the first records of the benchmark corpus,
in one process, batch by batch as a load does, and charges the processor time of each call to
its stage (a stage's time excludes the stages it calls). Database writes are charged to their
table through Django's `execute_wrapper`. The sum is what an article costs in processor time
wherever the work runs, so on a machine of N cores no arrangement of the same work loads more
than N / sum articles a second.
"""

import os
import pickle
import re
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from itertools import islice
from pathlib import Path
from unittest import mock

from django.db import connection, transaction

from archive.db import bulk_writes
from archive.ingest import detect, fingerprint, prepare, services, store, structure, workers
from archive.ingest.store import LoadContext
from archive.search.backends import base as search_backend

# (module, function, stage): each call is charged to its stage, less the stages it calls.
STAGES = [
    (prepare, "jsonl_record", "reading records (JSON, NFC, source hash)"),
    (structure, "split_paragraphs", "paragraphs"),
    # Imported by name into structure, and called in detect: both are charged.
    (structure, "read_languages", "language detection (fastText, lingua)"),
    (detect, "read_languages", "language detection (fastText, lingua)"),
    (prepare, "parse_many", "structure (headlines, captions, repeats, content hash)"),
    (prepare, "fold", "folding"),
    (fingerprint, "simhash", "SimHash"),
    (prepare, "parsed_terms", "index terms"),
    (prepare, "row_values", "index row"),
    (services, "records_store", "storing (Python)"),
]
# Bulk inserts: PostgreSQL's COPY does not pass through Django's execute wrappers.
BULK_INSERTS = [store, search_backend]
SUGGESTIONS = "suggested tags"
SENDING = "sending to the writer (pickle both ways)"
COMMIT = "database: commit"
OTHER = "the rest"
TABLE_NAME = re.compile(r"archive_\w+")
SERVER = "database server (PostgreSQL's own process)"
# The loader's target for a 100,000-article JSON Lines file on a 2-core machine.
TARGET_PER_SECOND = 1500


class _Clock:
    """Processor time by stage, each stage's own: time spent in a nested stage is not its."""

    def __init__(self):
        self.spent = defaultdict(float)
        self._stack = []

    @contextmanager
    def charge(self, stage):
        start = time.process_time()
        self._stack.append(0.0)
        try:
            yield
        finally:
            elapsed = time.process_time() - start
            nested = self._stack.pop()
            self.spent[stage] += elapsed - nested
            if self._stack:
                self._stack[-1] += elapsed

    def timed(self, function, stage):
        def wrapper(*args, **kwargs):
            with self.charge(stage):
                return function(*args, **kwargs)

        return wrapper

    def bulk_insert(self, rows_insert):
        def wrapper(table, columns, rows):
            with self.charge(f"database: INSERT {table}"):
                return rows_insert(table, columns, rows)

        return wrapper

    def query(self, execute, sql, params, many, context):
        verb = sql.split(maxsplit=1)[0].upper() if sql.strip() else "?"
        table = TABLE_NAME.search(sql)
        with self.charge(f"database: {verb} {table.group() if table else ''}".rstrip()):
            return execute(sql, params, many, context)


def stage_costs(*, corpus, articles):
    """{stage: ms of processor time per article} for loading `articles` records of `corpus`
    into the database in use (which should be a fresh one: see benchmarks.ingest)."""
    clock = _Clock()
    context = LoadContext()
    path, origin = str(corpus), Path(corpus).parent
    with ExitStack() as stack:
        stack.enter_context(bulk_writes())  # the loader's session settings
        handle = stack.enter_context(Path(corpus).open("rb"))
        # As a load of a large file does (PostgreSQL's index then holds common pairs); not
        # timed: it happens once per archive.
        services._common_terms_from_sample(handle, path, origin, context)
        for module, name, stage in STAGES:
            patched = clock.timed(getattr(module, name), stage)
            stack.enter_context(mock.patch.object(module, name, patched))
        for module in BULK_INSERTS:
            patched = clock.bulk_insert(module.rows_insert)
            stack.enter_context(mock.patch.object(module, "rows_insert", patched))
        stack.enter_context(mock.patch.object(workers, "_tagger", context.tagger))
        context.tagger.suggest = clock.timed(context.tagger.suggest, SUGGESTIONS)
        stack.enter_context(connection.execute_wrapper(clock.query))
        lines = islice(services._jsonl_lines(handle), articles)
        batches = iter(lambda: list(islice(lines, services.JSONL_BATCH)), [])
        server_start = _server_cpu()
        start = time.process_time()
        for batch in batches:
            prepared = workers.prepare(batch, path, origin, context.common)
            with clock.charge(SENDING):
                prepared = pickle.loads(pickle.dumps(prepared))
            with clock.charge(COMMIT), transaction.atomic():
                services.records_store(prepared=prepared, context=context)
        total = time.process_time() - start
        server = _server_cpu() - server_start
    clock.spent[OTHER] = total - sum(clock.spent.values())
    if server:
        clock.spent[SERVER] = server
    return {stage: seconds * 1000 / articles for stage, seconds in clock.spent.items()}


def _server_cpu():
    """Processor seconds of this connection's PostgreSQL server process so far, when it runs
    on this machine; 0 for SQLite, which works inside this process."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server elsewhere: its time is not this machine's to count
        return 0.0
    # utime and stime, the 14th and 15th fields, in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(costs, *, cores=None, target=TARGET_PER_SECOND):
    """The stages, costliest first, with what their sum allows on `cores` cores (this
    machine's by default)."""
    cores = cores or os.cpu_count() or 1
    total = sum(costs.values())
    lines = ["| stage | ms of CPU per article | share |", "|---|---:|---:|"]
    for stage, cost in sorted(costs.items(), key=lambda item: -item[1]):
        lines.append(f"| {stage} | {cost:.3f} | {cost / total:.0%} |")
    lines.append(f"| **all** | **{total:.3f}** | 100% |")
    lines.append("")
    lines.append(
        f"At {total:.2f} ms an article, {cores} cores load at most {cores / total * 1000:,.0f} "
        f"articles a second; {target:,} a second needs {cores / target * 1000:.2f} ms or less."
    )
    return "\n".join(lines)
