"""Database helpers shared by every feature: time, vocabulary constraints, SQLite tuning."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from enum import StrEnum

from flask import Flask
from sqlalchemy import CheckConstraint, event

from training.extensions import db


def utcnow() -> datetime:
    """The current time in UTC; used as a column default function, never a fixed value."""
    return datetime.now(UTC).replace(tzinfo=None)


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

