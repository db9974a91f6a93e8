"""Audit entries that say what changed: the named fields' old and new values.

Every service that edits a compliance-relevant record (a profile, a course's credit rules, a
quiz's pass mark, a question) takes a ``snapshot`` before and records the ``diff`` after,
so the log answers "who changed what, when, from what to what" (Indico's change log).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select

from training.audit.models import AuditEntry
from training.audit.services import record_event
from training.extensions import db


def plain(value: Any) -> Any:
    """``value`` as JSON the audit chain can hash: decimals and dates as text, enums as values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` on ``obj``, as plain JSON values."""
    return {name: plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"old": ..., "new": ...}}`` for every field whose plain value differs."""
    changes = {}
    for name in after:
        old, new = plain(before.get(name)), plain(after[name])
        if old != new:
            changes[name] = {"old": old, "new": new}
    return changes


def record_changes(action: str, subject: str, before: Mapping[str, Any], after: Mapping[str, Any],
                   *, actor=None, **details: Any) -> dict[str, dict[str, Any]]:
    """Record ``action`` with the diff of ``before`` and ``after``; nothing when nothing changed."""
    changes = diff(before, after)
    if changes:
        record_event(action, subject, {**plain(details), "changes": changes}, actor)
    return changes


def update_fields(obj: Any, values: Mapping[str, Any], action: str, subject: str, *, actor=None,
                  **details: Any) -> dict[str, dict[str, Any]]:
    """Set ``values`` on ``obj`` and record what changed under ``action``; returns the diff."""
    before = snapshot(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    return record_changes(action, subject, before, snapshot(obj, values), actor=actor, **details)


def save_with_changes(obj: Any, values: Mapping[str, Any], kind: str, *, actor=None,
                      **details: Any) -> dict[str, dict[str, Any]]:
    """Set ``values`` on ``obj`` (adding it when new) and record the diff; returns it.

    A new object is recorded as ``<kind>.created`` (every value against nothing), a stored one
    as ``<kind>.settings_changed``; the subject is ``<kind>:<id>``.
    """
    is_new = obj.id is None
    before = {} if is_new else snapshot(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    if is_new:
        db.session.add(obj)
    db.session.flush()
    action = f"{kind}.created" if is_new else f"{kind}.settings_changed"
    return record_changes(action, f"{kind}:{obj.id}", before, snapshot(obj, values), actor=actor, **details)


def change_history(subject: str, actions: Iterable[str]) -> list[AuditEntry]:
    """The entries recording ``actions`` on ``subject``, oldest first (one query)."""
    stmt = (select(AuditEntry).where(AuditEntry.subject == subject, AuditEntry.action.in_(tuple(actions)))
            .order_by(AuditEntry.seq))
    return list(db.session.scalars(stmt))
