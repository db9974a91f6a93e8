"""Pooled database connections: tested before use only after sitting idle, and a dead idle
connection is replaced before any request sees it (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import pytest

from training.database import PING_AFTER_IDLE_SECONDS


@pytest.fixture
def pings(db, monkeypatch):
    """The pings the pool sends (the dialect's own ping, counted as it runs)."""
    sent: list[object] = []
    dialect = db.engine.dialect
    real_ping = dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


def one_pooled_connection(db):
    """Leave exactly one connection in the pool and return its pool record and raw connection."""
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as connection:
        pooled = connection.connection
        record, raw = pooled._connection_record, pooled.dbapi_connection
    return record, raw


def test_a_connection_given_back_a_moment_ago_is_not_pinged(client, db, pings):
    one_pooled_connection(db)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert pings == []


def test_an_idle_connection_is_pinged_before_use(client, db, pings):
    record, raw = one_pooled_connection(db)
    record.info["idle_since"] -= PING_AFTER_IDLE_SECONDS + 1
    assert client.get("/healthz").status_code == 200
    assert pings == [raw]


def test_a_dead_idle_connection_is_replaced_before_the_request_uses_it(client, db, pings):
    record, raw = one_pooled_connection(db)
    raw.close()  # as a server restart or a dropped network path leaves it
    record.info["idle_since"] -= PING_AFTER_IDLE_SECONDS + 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert pings[0] is raw
