"""Database helpers shared by every feature: time, vocabulary constraints, SQLite tuning."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from enum import StrEnum

from flask import Flask, has_request_context, request
from sqlalchemy import CheckConstraint, event

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


def configure_database(app: Flask) -> None:
    """Turn on WAL and a busy timeout for SQLite so several server workers can share it, and
    let writing requests take the write lock at their first write (``BEGIN IMMEDIATE``)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "before_cursor_execute", _sqlite_write_lock)


def _sqlite_begin(connection) -> None:
    """In a request that may write, no implicit BEGIN from the driver: ``_sqlite_write_lock``
    opens the transaction itself; everything else keeps the driver's deferred BEGIN."""
    raw = connection.connection.driver_connection
    writing = has_request_context() and request.method in WRITING_METHODS
    raw.isolation_level = None if writing else ""


def _sqlite_write_lock(connection, cursor, statement, _parameters, context, _executemany) -> None:
    """``BEGIN IMMEDIATE`` just before the first statement of a writing request that writes or
    locks rows (``FOR UPDATE``, which SQLite cannot express, or a savepoint).

    A deferred transaction that reads, then writes, cannot wait for the write lock: if another
    worker committed in between, SQLite refuses the upgrade at once (the busy handler cannot
    help). Taking the lock with ``BEGIN IMMEDIATE`` makes writers queue in order on the busy
    handler instead. Taking it at the first write rather than at the request's first statement
    keeps the lock for the writes and what follows them, not for the loading, checking and
    progress evaluation before them: until then each read sees the latest commit, as a read in
    PostgreSQL's READ COMMITTED does, and a read that must not change under the writer asks for
    ``FOR UPDATE`` there as it does on PostgreSQL.
    """
    raw = connection.connection.driver_connection
    if raw.isolation_level is not None or raw.in_transaction:
        return
    if _writes_or_locks(statement, context):
        cursor.execute("BEGIN IMMEDIATE")


def _writes_or_locks(statement: str, context) -> bool:
    if statement.lstrip()[:9].upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")):
        return True
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None


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
