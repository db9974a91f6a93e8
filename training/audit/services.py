"""Appending to the audit log and reading its head."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select, update

from training.audit.chain import GENESIS_HASH, entry_hash
from training.audit.models import AuditEntry, AuditHead
from training.database import utcnow
from training.extensions import db

HEAD_ID = 1


def record_event(action: str, subject: str = "", details: dict | None = None, actor=None) -> None:
    """Append an event to the chain inside the caller's transaction.

    The head row is updated before it is read: the UPDATE takes the row lock (PostgreSQL) or
    the write lock (SQLite), so a second writer waits until the first commits and then links
    to the new head instead of forking the chain.
    """
    actor = actor if actor is not None else _current_actor()
    details = dict(details or {})
    if has_request_context() and "ip" not in details:
        details["ip"] = request.remote_addr or ""
    _ensure_head()
    db.session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq + 1))
    seq, prev_hash = db.session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    ).one()
    at = utcnow().replace(microsecond=0)
    actor_label = actor.email if actor is not None else "system"
    digest = entry_hash(prev_hash, seq, at.isoformat(), actor_label, action, subject, details)
    db.session.add(
        AuditEntry(
            seq=seq,
            at=at,
            actor_id=actor.id if actor is not None else None,
            actor=actor_label,
            action=action,
            subject=subject,
            details=details,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    db.session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(hash=digest))
    db.session.flush()


def chain_head() -> tuple[int, str]:
    """(sequence number, hash) of the newest entry; (0, genesis) for an empty log."""
    row = db.session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def _ensure_head() -> None:
    if db.session.get(AuditHead, HEAD_ID) is None:
        db.session.add(AuditHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
        db.session.flush()


def _current_actor():
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
