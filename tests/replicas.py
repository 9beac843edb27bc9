"""Read replicas for tests (tests/test_routing.py, tests/test_replica.py): a database alias
added to the project's databases for the length of one test."""

import contextlib
import copy

from django.conf import settings
from django.db import connections


@contextlib.contextmanager
def database_added(alias, **changes):
    """`alias` configured as the primary's test database is, with `changes` (HOST, PORT…),
    until the block ends; yields its connection.

    Added after the test's database setup, it is neither created nor flushed by it, as a
    replica must not be; it must be gone again before that setup's teardown, which expects
    the aliases it saw (a function-scoped fixture after `transactional_db` does that).
    """
    assert alias not in settings.DATABASES, f"{alias} is configured already"
    # The connection handler reads this same dict (django.utils.connection).
    assert connections.settings is settings.DATABASES
    settings.DATABASES[alias] = {**copy.deepcopy(connections["default"].settings_dict), **changes}
    connection = connections[alias]
    # Connected at once: a test case lets a connection it was not told of run queries, but
    # not open itself (django.test.testcases, ensure_connection_patch_method).
    connection.connect()
    try:
        yield connection
    finally:
        connection.close()
        del connections[alias]
        del settings.DATABASES[alias]
