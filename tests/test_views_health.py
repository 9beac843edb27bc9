"""/healthz: 200 while the database answers, 503 when it does not."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_the_server_is_healthy_while_its_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_makes_it_unavailable(client, monkeypatch):
    # The connection is closed (where the database allows: SQLite keeps an in-memory test
    # database open) and reaching it again refused, as when its server is down.
    connection.close()

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "OperationalError"}
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200  # back once the database is
