"""A per-worker cache of course content, kept correct across workers by one content version.

Course pages, lesson pages and every quiz step need the same published content: the course,
its modules and lessons, its quizzes, the practical's rubric, lesson revisions. Loading and
building those objects was a quarter of a lesson page. They change only when an author edits
them, so each worker keeps them in memory, keyed by a *content version*: one row whose token
every content change replaces, in the same transaction as the change. A request reads the
token once (one statement, memoised for its transaction) and uses the worker's copies while
the token is the one they were built under; a change committed by any process changes the
token, so no worker serves content older than the request's own view of the database.

The token is random rather than a counter: a change that is rolled back never commits its
token, and the next change cannot reuse it, so a copy built inside a transaction that later
rolled back can never be taken for committed content. A transaction that changed content
itself bypasses the cache until it ends.

Content models declare themselves with ``track_content``; any ORM insert, update or delete of
them (flushed objects or ``update()``/``delete()`` statements) replaces the token. Raw SQL that
edits content must call ``bump_content_version`` itself.

Cached values are plain snapshots (``snapshot``), never ORM instances: they are shared between
threads and must not be attached to one request's session.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Hashable
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import String, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from training.database import utcnow
from training.extensions import db

T = TypeVar("T")

#: the one row of ``content_version``
ROW_ID = 1
_VERSION_KEY = "content_version.token"
_CHANGED = "content_version.changed"
_TRACKED: set[type] = set()


class ContentVersion(db.Model):
    """The version of all course content: replaced by every content change."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: random, new at every content change (never reused; see the module docstring)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Snapshot(SimpleNamespace):
    """A read-only copy of a row's columns (and chosen children), safe to share between threads."""


def snapshot(obj: Any, **children: Any) -> Snapshot:
    """Every column attribute of the ORM object ``obj``, plus ``children`` (already snapshots)."""
    values = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
    values.update(children)
    return Snapshot(**values)


def track_content(*models: type) -> None:
    """Declare ``models`` as content: a change to any of them replaces the content version."""
    _TRACKED.update(models)


def bump_content_version(session: Session | None = None) -> None:
    """Replace the token in the current transaction (raw SQL edits of content call this)."""
    session = session or db.session
    connection = session.connection()
    token, now = uuid.uuid4().hex, utcnow()
    changed = connection.execute(
        update(ContentVersion.__table__).where(ContentVersion.__table__.c.id == ROW_ID)
        .values(token=token, changed_at=now))
    if changed.rowcount == 0:
        connection.execute(insert(ContentVersion.__table__).values(id=ROW_ID, token=token, changed_at=now))
    session.info[_CHANGED] = True
    session.info.pop(_VERSION_KEY, None)


def _is_content(obj: Any) -> bool:
    return isinstance(obj, tuple(_TRACKED))


@event.listens_for(Session, "before_flush")
def _note_content_changes(session: Session, _context, _instances) -> None:
    if _has_content_changes(session):
        session.info[_CHANGED + ".pending"] = True


def _has_content_changes(session: Session) -> bool:
    """New or deleted content objects, or content objects whose columns really changed (an
    attribute set to the value it had changes nothing)."""
    return any(_is_content(obj) for objects in (session.new, session.deleted) for obj in objects) or any(
        _is_content(obj) and session.is_modified(obj, include_collections=False) for obj in session.dirty)


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, _context) -> None:
    if session.info.pop(_CHANGED + ".pending", False):
        bump_content_version(session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_statements(state) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete or state.is_insert) and mapper is not None \
            and issubclass(mapper.class_, tuple(_TRACKED)):
        bump_content_version(state.session)


@event.listens_for(Session, "after_transaction_end")
def _forget_at_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_VERSION_KEY, None)
        session.info.pop(_CHANGED, None)
        session.info.pop(_CHANGED + ".pending", None)


def token_column():
    """The content version as a column of another statement, so that a statement every request
    runs anyway (the user loader's) brings it along instead of a statement of its own."""
    return select(ContentVersion.token).where(ContentVersion.id == ROW_ID).scalar_subquery()


def remember_token(token: str | None) -> None:
    """Take ``token``, read by another statement of this transaction (``token_column``), as the
    version this transaction sees; ignored once the transaction has read or changed content."""
    info = db.session.info
    if _VERSION_KEY not in info and not info.get(_CHANGED):
        info[_VERSION_KEY] = token


def current_token() -> str | None:
    """The content version this request's transaction sees (one statement per transaction)."""
    info = db.session.info
    if _VERSION_KEY not in info:
        info[_VERSION_KEY] = db.session.scalar(
            select(ContentVersion.token).where(ContentVersion.id == ROW_ID).execution_options(autoflush=False))
    return info[_VERSION_KEY]


class _Store:
    """One worker's copies, all built under one token (a new token starts an empty store)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: str | None = None
        self.entries: dict[Hashable, Any] = {}


def cached_content(key: Hashable, load: Callable[[], T]) -> T:
    """``load()`` built at most once per worker and content version; see the module docstring.

    ``load`` must return snapshots (or plain values), never ORM instances.
    """
    session = db.session
    if session.info.get(_CHANGED) or _has_content_changes(session):
        return load()  # this transaction's own edits are not everyone's content yet
    token = current_token()
    if token is None:  # no version row (a database built without the migrations)
        return load()
    store: _Store = current_app.extensions.setdefault("content_cache", _Store())
    with store.lock:
        if store.token != token:
            store.token, store.entries = token, {}
        entries = store.entries
        if key in entries:
            return entries[key]
    value = load()
    with store.lock:
        if store.token == token:
            store.entries[key] = value
    return value
