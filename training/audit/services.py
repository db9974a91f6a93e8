"""Appending to the audit log, reading its head, and verifying the stored chain."""

from __future__ import annotations

from collections.abc import Iterator

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select, update

from training.audit.chain import GENESIS_HASH, ChainBreak, ChainRow, entry_hash, verify_chain
from training.audit.models import AuditEntry, AuditHead
from training.database import utcnow
from training.extensions import db

HEAD_ID = 1


def record_event(
    action: str, subject: str = "", details: dict | None = None, actor=None
) -> AuditEntry:
    """Append an event to the chain inside the caller's transaction and return the entry.

    The head row is updated before it is read: the UPDATE takes the row lock (PostgreSQL) or
    the write lock (SQLite), so a second writer waits until the first commits and then links
    to the new head instead of forking the chain. The returned entry's ``seq``/``hash`` is the
    head right after this event, which exports hand to the auditor.
    """
    actor = actor if actor is not None else _current_actor()
    details = dict(details or {})
    if has_request_context() and "ip" not in details:
        details["ip"] = request.remote_addr or ""
    head = AuditHead.id == HEAD_ID
    # one statement takes the lock, moves the head on and reads it (the previous entry's hash)
    advance = (update(AuditHead).where(head).values(seq=AuditHead.seq + 1)
               .returning(AuditHead.seq, AuditHead.hash).execution_options(synchronize_session=False))
    row = db.session.execute(advance).first()
    if row is None:  # an empty database: the head row is made once, then moved on
        _ensure_head()
        row = db.session.execute(advance).one()
    seq, prev_hash = row
    at = utcnow().replace(microsecond=0)
    actor_label = actor.email if actor is not None else "system"
    digest = entry_hash(prev_hash, seq, at.isoformat(), actor_label, action, subject, details)
    entry = AuditEntry(
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
    db.session.add(entry)
    db.session.execute(update(AuditHead).where(head).values(hash=digest)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    return entry


def chain_head() -> tuple[int, str]:
    """(sequence number, hash) of the newest entry; (0, genesis) for an empty log."""
    stmt = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    row = db.session.execute(stmt).first()
    return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def format_head(head: tuple[int, str]) -> str:
    """``SEQ:HASH``, the one spelling used on the audit page, in headers and by the CLI."""
    return f"{head[0]}:{head[1]}"


def iter_chain_rows(batch: int = 1000) -> Iterator[ChainRow]:
    """Every stored entry in sequence order, read in batches so memory stays flat.

    Plain columns rather than ORM objects: nothing lands in the session's identity map, so
    a chain of millions of entries costs one batch of memory.
    """
    columns = (
        AuditEntry.seq, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.subject,
        AuditEntry.details, AuditEntry.prev_hash, AuditEntry.hash,
    )
    stmt = select(*columns).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for row in db.session.execute(stmt):
        yield ChainRow(
            seq=row.seq, at_iso=row.at.isoformat(), actor=row.actor, action=row.action,
            subject=row.subject, details=row.details, prev_hash=row.prev_hash, hash=row.hash,
        )


def verify_stored_chain(anchor: tuple[int, str] | None = None) -> ChainBreak | None:
    """Verify the whole stored chain; None when intact.

    The head row is read *before* the walk and used as an anchor, so deleting entries at the
    end without also rewriting the head row is caught; ``anchor`` is a head recorded outside
    the database (an export header), which catches even a rewritten head row. Entries added
    while the walk runs are fine: they come after both anchors. After the walk the head row
    is read again: the application moves it in the same transaction as every append, so a
    walked entry beyond it was written by something else.
    """
    anchors = [chain_head()]
    if anchor is not None:
        anchors.append(anchor)
    last_seq = 0

    def tracked() -> Iterator[ChainRow]:
        nonlocal last_seq
        for row in iter_chain_rows():
            last_seq = row.seq
            yield row

    problem = verify_chain(tracked(), anchors=anchors)
    if problem is not None:
        return problem
    head_seq = chain_head()[0]
    if last_seq > head_seq:
        return ChainBreak(
            head_seq + 1, f"entry not recorded in the head row (head is at {head_seq}): "
            "appended outside the application?",
        )
    return None


def _ensure_head() -> None:
    if db.session.get(AuditHead, HEAD_ID) is None:
        db.session.add(AuditHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
        db.session.flush()


def _current_actor():
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
