"""Database helpers shared by every feature: time, SQLite tuning."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from flask import Flask, request
from sqlalchemy import event

from training.extensions import db


def utcnow() -> datetime:
    """The current time in UTC; used as a column default function, never a fixed value."""
    return datetime.now(UTC).replace(tzinfo=None)


def configure_database(app: Flask) -> None:
    """Turn on WAL and a busy timeout for SQLite so several server workers can share it."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    event.listen(engine, "connect", _sqlite_pragmas)


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
