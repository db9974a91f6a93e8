"""The append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from training.database import utcnow
from training.extensions import db


class AuditEntry(db.Model):
    """One event. ``hash`` covers every field and the previous entry's hash."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: position in the chain, 1-based, without gaps; unique so the chain cannot fork
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: who acted, as text, so the entry still reads (and verifies) if the account goes away
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    #: what the event is about, e.g. "user:12", "certificate:DN-2026-000004"
    subject: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(db.Model):
    """A single row holding the chain's last entry; writers lock it so the chain stays linear."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))
