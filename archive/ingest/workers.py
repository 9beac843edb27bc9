"""The entry points of the loader's worker processes.

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
import os
import pickle
import signal
import sys
import threading
import time

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
    from django.conf import settings

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
    from archive.ingest.prepare import jsonl_batch_prepare

    prepared = jsonl_batch_prepare(batch, path, origin, _tagger, common)
    for item in prepared:
        if item.record is not None:
            # The writer needs what was made of the text, not the text: a third less to
            # pickle and send back. Blocks go as the JSON the database stores.
            item.record.text = ""
        for article in item.articles:
            article.parsed.blocks = None
    return prepared
