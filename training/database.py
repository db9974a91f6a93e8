"""Database helpers shared by every feature: time, SQLite tuning."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from flask import Flask
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

