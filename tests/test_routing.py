"""Where queries go with read replicas (archive.routing): the public pages' reads of the
archive's data to one replica per request, everything else to the primary.

The replicas here are second connections to the primary's own test database, which is what
a replica holds; tests/test_replica.py runs against a real streaming replica.
"""

import contextlib

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.models import Article
from archive.routing import (
    ReplicaRouter,
    reading_alias,
    reading_connection,
    replica_aliases,
    replica_reads,
)
from archive.search import cache
from config.settings import _replica_databases
from tests.factories import ArticleFactory, TopicFactory
from tests.replicas import database_added

router = ReplicaRouter()


@pytest.fixture
def two_replicas(transactional_db):
    """replica1 and replica2, each a connection of its own to the primary's database."""
    with database_added("replica1"), database_added("replica2"):
        yield ["replica1", "replica2"]


@pytest.fixture
def published(transactional_db):
    """Articles committed on the primary, where the replicas' connections see them."""
    topic = TopicFactory(name="Tariffs", slug="tariffs")
    ArticleFactory(title="Tariffs on rare earths", body="Export controls.", topics=[topic])
    return ArticleFactory(title="A call between the presidents", body="Tariffs were discussed.")


@contextlib.contextmanager
def queries_by_database(aliases):
    """{alias: the queries run on it} for the queries made in the block."""
    with contextlib.ExitStack() as stack:
        captured = {
            alias: stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in aliases
        }
        by_alias = {}
        yield by_alias
    by_alias.update({alias: list(capture.captured_queries) for alias, capture in captured.items()})


# --- Settings ---------------------------------------------------------------------------------


def test_without_replica_urls_there_are_no_replicas(monkeypatch):
    monkeypatch.delenv("DATABASE_REPLICA_URLS", raising=False)
    assert _replica_databases({"ENGINE": "django.db.backends.postgresql"}) == {}
    assert replica_aliases() == []
    assert "archive.routing.ReplicaRouter" in settings.DATABASE_ROUTERS


def test_each_replica_url_is_an_alias_in_order(monkeypatch):
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS",
        "postgres://reader@10.0.0.2:5432/archive, postgres://reader@10.0.0.3:6432/archive",
    )
    replicas = _replica_databases({"ENGINE": "django.db.backends.postgresql"})
    assert list(replicas) == ["replica1", "replica2"]
    assert [(r["HOST"], r["PORT"], r["NAME"]) for r in replicas.values()] == [
        ("10.0.0.2", 5432, "archive"),
        ("10.0.0.3", 6432, "archive"),
    ]
    # The test runner points a replica at the primary's test database, whose data it holds.
    assert {r["TEST"]["MIRROR"] for r in replicas.values()} == {"default"}


def test_a_replica_of_another_kind_of_database_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "sqlite:///elsewhere.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="replica 1 is not the primary's kind"):
        _replica_databases({"ENGINE": "django.db.backends.postgresql"})


# --- The router -------------------------------------------------------------------------------


def test_outside_a_public_page_every_query_goes_to_the_primary():
    assert reading_alias() == "default"
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"
    assert Article.objects.all().db == "default"


def test_within_the_scope_the_archives_reads_go_to_the_replica_and_writes_to_the_primary():
    with replica_reads("replica1"):
        assert router.db_for_read(Article) == "replica1"
        assert Article.objects.all().db == "replica1"
        assert Article.objects.select_for_update().db == "default"
        assert router.db_for_write(Article) == "default"
        # Sign-ins stay on the primary: a replica's lag must not sign anyone out.
        assert router.db_for_read(get_user_model()) == "default"
        assert router.db_for_read(Session) == "default"
    assert router.db_for_read(Article) == "default"


def test_without_replicas_the_scope_reads_the_primary():
    with replica_reads() as alias:
        assert alias == "default"
        assert router.db_for_read(Article) == "default"
        assert reading_connection() is connections["default"]


def test_the_scope_chooses_one_replica_and_keeps_it_when_entered_again(two_replicas):
    chosen = set()
    for _ in range(40):
        with replica_reads() as alias:
            with replica_reads() as inner:
                assert inner == alias
            assert reading_alias() == alias
            assert reading_connection() is connections[alias]
        chosen.add(alias)
    assert chosen == {"replica1", "replica2"}
    assert reading_alias() == "default"


def test_migrations_run_on_the_primary_only_and_relations_are_allowed():
    assert router.allow_migrate("default", "archive")
    assert not router.allow_migrate("replica1", "archive")
    assert not router.allow_migrate("replica1", "auth", model_name="user")
    assert router.allow_relation(Article(), Article())


# --- Pages, the admin and commands ------------------------------------------------------------

# Each public page with something it shows of the articles.
PUBLIC_PAGES = {
    "/": "Tariffs",
    "/articles/": "Tariffs on rare earths",
    "/articles/?q=tariffs": "Tariffs on rare earths",
    "/articles/?q=tariffs&sort=newest&topic=tariffs": "Tariffs on rare earths",
    "/topics/tariffs/": "Tariffs on rare earths",
    "/api/articles/?q=tariffs": "Tariffs on rare earths",
    "/articles/export.csv?q=tariffs": "Tariffs on rare earths",
    "/articles/export.json": "Tariffs on rare earths",
    "/feeds/latest.atom": "Tariffs on rare earths",
    "/articles/feed.atom?q=tariffs": "Tariffs on rare earths",
    "/sitemap-articles.xml": "/a-call-between-the-presidents/",
}


@pytest.mark.parametrize(("path", "shown"), PUBLIC_PAGES.items())
def test_a_public_page_reads_everything_from_one_replica(two_replicas, published, path, shown):
    """Nothing on the primary, and nothing on the other replica: the search's data version,
    index and columns included, and a streamed export's rows, read after the view returned."""
    with queries_by_database(["default", *two_replicas]) as queries:
        response = Client().get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert shown in body.decode()
    used = [alias for alias, run in queries.items() if run]
    assert len(used) == 1, {alias: len(run) for alias, run in queries.items()}
    assert used[0] in two_replicas


def test_an_article_page_reads_from_one_replica(two_replicas, published):
    with queries_by_database(["default", *two_replicas]) as queries:
        response = Client().get(published.get_absolute_url())
    assert response.status_code == 200
    assert "A call between the presidents" in response.content.decode()
    assert not queries["default"]
    assert bool(queries["replica1"]) != bool(queries["replica2"])


def test_the_search_on_a_replica_reads_its_data_version_there(two_replicas, published):
    with queries_by_database(["default", *two_replicas]) as queries:
        Client().get("/api/articles/?q=tariffs")
    versions = {
        alias
        for alias, run in queries.items()
        for query in run
        if "archive_dataversion" in query["sql"]
    }
    assert len(versions) == 1
    assert versions <= set(two_replicas)


def test_requests_are_spread_over_the_replicas(two_replicas, published):
    client, chosen = Client(), set()
    for _ in range(30):
        with queries_by_database(two_replicas) as queries:
            assert client.get("/api/articles/").status_code == 200
        chosen |= {alias for alias, run in queries.items() if run}
    assert chosen == {"replica1", "replica2"}


def test_the_admin_reads_and_writes_the_primary(two_replicas, published):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "x")
    client = Client()
    client.force_login(editor)
    with queries_by_database(["default", *two_replicas]) as queries:
        listing = client.get("/admin/archive/article/?q=tariffs")
        form = client.get(f"/admin/archive/article/{published.pk}/change/")
    assert listing.status_code == form.status_code == 200
    assert "A call between the presidents" in listing.content.decode()
    assert queries["default"]
    assert not queries["replica1"]
    assert not queries["replica2"]


def test_management_commands_use_the_primary(two_replicas, published):
    with queries_by_database(["default", *two_replicas]) as queries:
        call_command("rebuild_search_index", verbosity=0)
        call_command("load_seeds", settings.BASE_DIR / "seeds", verbosity=0)
    assert queries["default"]
    assert not queries["replica1"]
    assert not queries["replica2"]


def test_the_primary_and_its_replicas_share_answers_at_the_same_data_version(two_replicas):
    """The version is replicated data: the same token is the same data wherever it is read."""
    computed = []

    def compute():
        computed.append(reading_alias())
        return "answer"

    version = "a version no other test has"
    with replica_reads("replica1"):
        assert cache.remembered(("shared",), compute, version=version) == "answer"
    assert cache.remembered(("shared",), compute, version=version) == "answer"
    with replica_reads("replica2"):
        assert cache.remembered(("shared",), compute, version=version) == "answer"
    assert computed == ["replica1"]
