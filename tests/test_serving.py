"""The archive as `make serve` runs it: gunicorn with config/gunicorn.py, two workers, debug
off, static files collected and served by WhiteNoise, the cache in Redis, on a database of
its own that the server's processes can reach (tests.processes)."""

import contextlib
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from benchmarks.loadtest import free_port
from tests.processes import LoadDatabase, admin_connection, postgres_url, records_file

REDIS = "redis://127.0.0.1:6379"


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.loads,
    # Skipped without Redis, but where it is required (REQUIRE_REDIS, as CI runs).
    pytest.mark.skipif(
        not (redis_answers() or os.environ.get("REQUIRE_REDIS")),
        reason="no Redis on 127.0.0.1:6379",
    ),
]


class Server:
    """gunicorn serving a database; get() answers (status, headers, body) and never raises
    for an HTTP error."""

    def __init__(self, database, *, static_root, cache_prefix):
        self.database = database
        self.cache_prefix = cache_prefix
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.environment = database.environment(
            DJANGO_DEBUG="0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_STATIC_ROOT=str(static_root),
            REDIS_URL=REDIS,
            ARCHIVE_CACHE_PREFIX=cache_prefix,
            WEB_CONCURRENCY="2",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
        )
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
            env=self.environment,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {self.process.stderr.read()}")
            with contextlib.suppress(OSError):
                if self.get("/healthz")[0] == 200:
                    return
            time.sleep(0.2)
        pytest.fail("gunicorn did not answer within a minute")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def cache_keys(self):
        return subprocess.run(
            ["redis-cli", "--scan", "--pattern", f"{self.cache_prefix}:*"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return children.read_text().split()

    def get(self, path, headers=None):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def raw_request_line(self, target):
        """The status of a request whose line is `GET target`, sent as it is."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as connection:
            connection.sendall(
                f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        return int(answer.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The seed articles on a database of their own, served by gunicorn."""
    folder = tmp_path_factory.mktemp("served")
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        database = LoadDatabase(f"sqlite:///{folder / 'archive.sqlite3'}", "sqlite")
    else:
        name = f"archive_served_{uuid.uuid4().hex[:12]}"
        with admin_connection() as admin:
            admin.execute(f"CREATE DATABASE {name}")
        database = LoadDatabase(postgres_url(name), "postgresql")
    # Keys of this run's own in Redis, whatever else it holds; removed at the end.
    prefix = f"archive-test-{uuid.uuid4().hex[:12]}"
    server = Server(database, static_root=folder / "static", cache_prefix=prefix)
    try:
        for command in (["migrate", "--noinput"], ["load_seeds"], ["collectstatic", "--noinput"]):
            result = subprocess.run(
                [sys.executable, "manage.py", *command, "-v", "0"],
                env=server.environment,
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stderr
        server.start()
        yield server
    finally:
        if server.process:
            server.stop()
        for key in server.cache_keys():
            subprocess.run(["redis-cli", "DEL", key], capture_output=True, check=False)
        database.end_sessions()
        if database.vendor == "postgresql":
            with admin_connection() as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def test_it_serves_the_archive_with_two_workers_and_its_security_headers(served):
    assert len(served.workers()) == 2
    status, headers, body = served.get("/articles/?q=Poetin")
    assert status == 200
    assert "Poetin" in body.decode()
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert served.get("/healthz")[2] == b'{"status": "ok", "database": "ok"}'


def test_static_files_are_compressed_and_cached_for_good(served):
    page = served.get("/")[2].decode()
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    status, headers, body = served.get(stylesheet, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert b"{" in gzip.decompress(body)
    assert "immutable" in headers["Cache-Control"]
    assert "max-age=315360000" in headers["Cache-Control"]


def test_a_query_as_long_as_the_search_reads_fits_in_a_request_line(served):
    # 500 characters, as many as the search keeps, each 9 bytes once percent-encoded.
    query = quote("美国与中国的贸易谈判" * 50)
    assert served.raw_request_line(f"/articles/?q={query}") == 200
    assert served.raw_request_line("/articles/?q=" + "x" * 8200) == 414


def test_every_worker_sees_an_edit_at_once_through_the_shared_cache(served):
    search = "/articles/?q=Blinken"
    for _ in range(10):  # both workers answer, and remember, the search
        assert b"Blinken" in served.get(search)[2]
    keys = served.cache_keys()
    assert any(":archive:page:" in key for key in keys)
    assert any(":archive:search:" in key for key in keys)

    # An edit in another process, as an editor's in the admin or a shell.
    edit = served.database.manage(
        "shell",
        "-c",
        "from archive.models import Article; "
        "article = Article.objects.get(title__startswith='The American Secretary'); "
        "article.title = 'Antony J. Blinken lands in Beijing'; article.save()",
    )
    assert edit.returncode == 0, edit.stderr
    for _ in range(10):
        assert b"Antony J. Blinken lands in Beijing" in served.get(search)[2]


def test_a_load_while_the_site_serves_loses_no_request(served, tmp_path):
    """A load of 1,200 articles runs, is killed half way, and runs again to its end while
    readers ask for pages: every page answers, and the archive ends with every article."""
    path = records_file(tmp_path / "records.jsonl", count=1200, seed=7)
    pages = ["/", "/articles/", "/articles/?q=China", "/api/articles/?q=trade", "/events/"]
    failures, answered = [], []
    reading = threading.Event()
    reading.set()

    def reader():
        while reading.is_set():
            for page in pages:
                try:
                    status = served.get(page)[0]
                except OSError as error:
                    failures.append((page, repr(error)))
                    continue
                (answered if status == 200 else failures).append((page, status))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        loader = served.database.start_load(path)
        time.sleep(3)
        os.killpg(loader.pid, signal.SIGKILL)  # the loader and its workers
        loader.wait()
        again = served.database.manage("load_seeds", str(path), "-v", "0")
        assert again.returncode == 0, again.stderr
    finally:
        reading.clear()
        for thread in readers:
            thread.join()
    assert failures == []
    assert len(answered) > 50
    count = served.database.rows(
        f"SELECT count(*) FROM archive_article WHERE source_key LIKE '{path}#%'"
    )[0][0]
    assert count == 1200
    assert b"1206 articles" in served.get("/")[2]
