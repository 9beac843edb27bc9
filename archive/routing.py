"""Where each query goes when the archive has read replicas (settings.DATABASE_REPLICA_URLS,
aliases replica1, replica2…): `ReplicaRouter`, the database router, and the scope in which
a public page may read from a replica.

Everything goes to the primary (`default`) — writes, the admin, the loader, management
commands, migrations, sessions and sign-ins — except the reads of the archive's own data
made by a public page: the views wrapped by `archive.views.read_only` run within
`replica_reads`, which chooses one replica for the whole request, so that a page never
mixes data from two replicas, and the router sends their reads there. Raw SQL that reads
(search: archive.search) asks `reading_connection()`, the same database. Without replicas
the scope chooses `default` and nothing changes.

Here in the app rather than in config/: the scope is opened by the archive's views and read
by the archive's search, and the app imports nothing from the project's configuration;
settings.DATABASE_ROUTERS only names the router.
"""

import contextlib
import contextvars
import functools
import random
import re

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.response import SimpleTemplateResponse

REPLICA_ALIAS = re.compile(r"replica[0-9]+\Z")
# Only these apps' data is read from a replica. The sessions and users stay on the primary,
# so that someone who has just signed in is never signed out by a replica's lag.
REPLICATED_APPS = frozenset({"archive"})

# The alias the current request reads its public data from; None outside a public page.
_reading = contextvars.ContextVar("archive_reading_alias", default=None)


def replica_aliases():
    """The aliases of the configured replicas, in their order."""
    return [alias for alias in settings.DATABASES if REPLICA_ALIAS.match(alias)]


def reading_alias():
    """The database the current public page reads from; `default` anywhere else."""
    return _reading.get() or DEFAULT_DB_ALIAS


def reading_connection():
    """The connection to `reading_alias()`: what raw SQL that reads the archive uses."""
    return connections[reading_alias()]


@contextlib.contextmanager
def replica_reads(alias=None):
    """Within it, reads of the archive's data go to `alias`: by default the replica already
    chosen for this request or, at the outermost scope, one of the replicas at random
    (`default` when there are none). Yields the alias."""
    alias = alias or _reading.get() or _replica_chosen()
    token = _reading.set(alias)
    try:
        yield alias
    finally:
        _reading.reset(token)


def _replica_chosen():
    replicas = replica_aliases()
    return random.choice(replicas) if replicas else DEFAULT_DB_ALIAS


def public_reads(view):
    """`view` run within `replica_reads`, and everything its response reads afterwards too.

    A template response is rendered within the scope, and a streamed response (the exports)
    reads each chunk within it again with the same replica: both would otherwise run their
    queries after the view has returned, on the primary."""

    @functools.wraps(view)
    def within_replica_reads(request, *args, **kwargs):
        with replica_reads() as alias:
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        if getattr(response, "streaming", False) and not response.is_async:
            response.streaming_content = _chunks_read_from(alias, response.streaming_content)
        return response

    return within_replica_reads


def _chunks_read_from(alias, chunks):
    """The chunks, each produced within `replica_reads(alias)`. The scope is entered and left
    around each one rather than held across a yield, which would leave it set in the
    server's thread between chunks."""
    chunks = iter(chunks)
    while True:
        with replica_reads(alias):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


class ReplicaRouter:
    """Reads of the archive's data within `replica_reads` go to the chosen replica; every
    other query, and every migration, to `default`."""

    def db_for_read(self, model, **hints):
        alias = _reading.get()
        if alias is None or model._meta.app_label not in REPLICATED_APPS:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the primary's rows: an object read from one may refer to any.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica receives the primary's schema through replication and cannot be written.
        return db == DEFAULT_DB_ALIAS
