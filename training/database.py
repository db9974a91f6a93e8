"""Database helpers shared by every feature: time, vocabulary constraints, SQLite tuning."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from enum import StrEnum

from flask import Flask, has_request_context, request
from sqlalchemy import CheckConstraint, Engine, event
from sqlalchemy.exc import InvalidatePoolError

from training.extensions import db


def utcnow() -> datetime:
    """The current time in UTC; used as a column default function, never a fixed value."""
    return datetime.now(UTC).replace(tzinfo=None)


#: requests that may write; their transactions take SQLite's write lock when they begin
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def enum_check(column: str, vocabulary: type[StrEnum], name: str, *, nullable: bool = False) -> CheckConstraint:
    """A CHECK constraint allowing exactly the members of ``vocabulary``.

    The enum is the one list of allowed values: adding a member changes the constraint text,
    which the migrations test then asks to be carried into a migration.
    """
    condition = f"{column} IN (" + ", ".join(f"'{member.value}'" for member in vocabulary) + ")"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=name)


#: a pooled connection unused for longer than this is tested before a request gets it
PING_AFTER_IDLE_SECONDS = 10


def configure_database(app: Flask) -> None:
    """Turn on WAL and a busy timeout for SQLite so several server workers can share it, and
    let the transactions of writing requests begin IMMEDIATE; test idle connections before use."""
    with app.app_context():
        engine = db.engine
    ping_idle_connections(engine)
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)


def ping_idle_connections(engine: Engine) -> None:
    """Test a pooled connection before use only when it has sat idle in the pool.

    SQLAlchemy's ``pool_pre_ping`` tests every connection at every checkout: one more round
    trip to the server in every request, the cost of a whole statement. A connection that a
    request gave back a moment ago is alive; the ones that may not be are those left idle
    while the server restarted or a network device dropped them. Those are pinged, and a dead
    one is replaced (with every connection older than it) before the request sees it.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _note_idle_since(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError() from error
            raise


def _sqlite_begin(connection) -> None:
    """``BEGIN IMMEDIATE`` in a request that writes, plain ``BEGIN`` otherwise.

    A deferred transaction that reads, then writes, cannot wait for the write lock: if another
    worker committed in between, SQLite refuses the upgrade at once (the busy handler cannot
    help), and a writer that does wait sleeps in growing steps. Taking the write lock at BEGIN
    makes writers queue in order on the busy handler, once, before they read; readers (GET)
    never take it and WAL lets them run beside the writer. Everything else keeps the driver's
    own deferred BEGIN before the first write (reads between writes see the latest commit).
    """
    raw = connection.connection.driver_connection
    if has_request_context() and request.method in WRITING_METHODS:
        raw.isolation_level = None  # no implicit BEGIN from the driver: ours comes first
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        raw.isolation_level = ""  # the driver's default: a deferred BEGIN before the first write


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # in-memory databases cannot use WAL, and need no sharing
    with contextlib.suppress(Exception):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()



#: no listing has this many pages; a larger number would overflow the database's OFFSET
MAX_PAGE = 100_000


def paginate(stmt, *, per_page: int):
    """One page of ``stmt`` for the ``?page=`` of the request: missing, malformed or absurd
    page numbers become the nearest real one instead of a server error."""
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and len(raw) <= 6 else 1
    return db.paginate(stmt, page=min(max(page, 1), MAX_PAGE), per_page=per_page, error_out=False)
