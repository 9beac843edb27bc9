"""The search backend of each database: `backend_for(connection)`.

The one place that asks which database a connection is (apart from archive.db, which
handles bulk writes and session settings): everything else asks the backend.
"""

from archive.search.backends.base import SearchBackend
from archive.search.backends.postgres import PostgresBackend
from archive.search.backends.sqlite import SQLiteBackend

BACKENDS = {backend.vendor: backend() for backend in (SQLiteBackend, PostgresBackend)}


def backend_for(connection) -> SearchBackend:
    """The backend for `connection`'s database."""
    return BACKENDS[connection.vendor]
