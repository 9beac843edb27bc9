"""The loader's worker processes: `Preparer` runs batches of records in them, through their
entry points `start` and `prepare`.

A worker reads the settings and never sets Django's apps up: preparing articles needs no
database, and `archive.ingest.prepare` and all it imports are kept free of the models (a
model imported on the way would fail here, at once, with AppRegistryNotReady).

A worker ends with the loader that started it, however the loader ends. A loader that
exits normally shuts its workers down; one that is killed cannot, and its workers, left
waiting for batches that never come, would live on under init with their 100-odd MB each
(and, holding its pipe, the multiprocessing resource tracker too, which ends only once
every process that holds the pipe has).
"""

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings

# How often a worker checks that its loader is still there.
WATCH_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

_tagger = None


def start(tagger_pickle, languages, parent_pid, kill_with_parent_thread=False):
    """Set a worker up. `parent_pid` is the loader's; `kill_with_parent_thread` says that the
    thread that started this worker lives as long as the loader does (its main thread)."""
    # First, before the seconds Django and the language models take to load.
    _end_with_parent(parent_pid, kill_with_parent_thread)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The parent's settings may have been changed at run time (tests do): follow them.
    settings.ARCHIVE_LANGUAGES = list(languages)
    global _tagger
    _tagger = pickle.loads(tagger_pickle)


def _end_with_parent(parent_pid, kill_with_parent_thread):
    """Exit when the process `parent_pid` is no longer this one's parent.

    Linux can kill a child when its parent dies (PR_SET_PDEATHSIG), at once and even if the
    child is stuck in C code, but "parent" there is the thread that started the child: a
    worker started from a thread that ends before the loader would be killed while still in
    use. So it is asked for only when that thread is the loader's main thread. A watchdog
    thread covers every case and every system: once the parent is gone the worker is
    re-parented, and its parent's pid changes.
    """
    if kill_with_parent_thread and sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    # The parent may have died before the request above: nothing would signal it now.
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="loader-watchdog", daemon=True).start()


def _watch(parent_pid):
    while os.getppid() == parent_pid:
        time.sleep(WATCH_SECONDS)
    # Not sys.exit: nothing of this process is worth cleaning up, and a worker busy in the
    # main thread would not notice an exception raised here.
    os._exit(1)


def prepare(batch, path, origin, common):
    """`jsonl_batch_prepare` of a batch, in a worker, as the writer wants it back."""
    prepared = _batch_prepare(batch, path, origin, _tagger, common)
    for item in prepared:
        if item.record is not None:
            # The writer needs what was made of the text, not the text: a third less to
            # pickle and send back. Blocks go as the JSON the database stores.
            item.record.text = ""
        for article in item.articles:
            article.parsed.blocks = None
    return prepared


def _batch_prepare(batch, path, origin, tagger, common):
    # Imported when first called, not with this module: a spawned worker imports this module
    # to run `start`, which must come before the seconds its imports take.
    from archive.ingest.prepare import jsonl_batch_prepare

    return jsonl_batch_prepare(batch, path, origin, tagger, common)


class Preparer:
    """Runs `archive.ingest.prepare.jsonl_batch_prepare` in worker processes, a few batches
    ahead of the writer (in this process when `processes` is under 2).

    Workers are started on first use and reused for every file of the load. Results come
    back in input order; at most two batches per worker are in flight, so memory stays flat.
    Workers end with the loader however it ends (`start`).
    """

    def __init__(self, *, tagger, processes):
        self.tagger = tagger
        self.processes = processes
        self._pool = None
        self._thread = None

    def map(self, batches, path, origin, common=frozenset()):
        if self.processes < 2:
            for batch in batches:
                yield _batch_prepare(batch, path, origin, self.tagger, common)
            return
        if self._pool is not None and self._thread is not threading.current_thread():
            # Workers are started by the thread that submits to the pool; those of one
            # pool must all come from the thread that made it (see `start`).
            self.close()
        if self._pool is None:
            self._thread = threading.current_thread()
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                # A fresh interpreter, not a fork: the parent's database connection must
                # never be shared with a child.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start,
                # Pickled here, unpickled once the worker has made sure to end with this
                # process and has its settings.
                initargs=(
                    pickle.dumps(self.tagger),
                    tuple(settings.ARCHIVE_LANGUAGES),
                    os.getpid(),
                    self._thread is threading.main_thread(),
                ),
            )
        in_flight = deque()
        for batch in batches:
            in_flight.append(self._pool.submit(prepare, batch, path, origin, common))
            if len(in_flight) >= self.processes * 2:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
