"""Jurisdictions, their versioned rules as loaded from the reviewed files, and evidence packs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.database import enum_check, utcnow
from training.extensions import db
from training.jurisdictions.rules import RuleStatus


class EvaluationOutcome(StrEnum):
    """What an evaluation concluded for a trainee under a state's rule."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_PERMITTED = "not_permitted"
    UNKNOWN = "unknown"


STATUS_NAMES = tuple(s.value for s in RuleStatus)
OUTCOME_NAMES = tuple(o.value for o in EvaluationOutcome)


class Jurisdiction(db.Model):
    __tablename__ = "jurisdictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: two-letter code, e.g. "FL"
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    reporting_board: Mapped[str] = mapped_column(String(300), default="")
    reporting_system: Mapped[str] = mapped_column(String(300), default="")
    #: days after completion by which a provider must report it; None when no duty is on file
    reporting_deadline_days: Mapped[int | None]
    reporting_source: Mapped[str] = mapped_column(String(300), default="")

    rules: Mapped[list[JurisdictionRule]] = relationship(
        back_populates="jurisdiction", order_by="JurisdictionRule.version"
    )


class JurisdictionRule(db.Model):
    """One reviewed version of a jurisdiction's rule for a profession; never edited once loaded."""

    __tablename__ = "jurisdiction_rules"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "profession", "version"),
        enum_check("status", RuleStatus, name="status_known"),
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id", ondelete="RESTRICT"), index=True)
    profession: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20))
    #: the whole rule as RuleVersion.to_dict(), what evaluations and evidence packs copy
    definition: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of the canonical definition: a reload with different content is refused
    content_hash: Mapped[str] = mapped_column(String(64))
    checked_on: Mapped[date]
    uncertain: Mapped[bool] = mapped_column(default=False)
    source_file: Mapped[str] = mapped_column(String(200), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    jurisdiction: Mapped[Jurisdiction] = relationship(back_populates="rules")


class EvidencePack(db.Model):
    """A signed, frozen evaluation of one trainee against one rule version, with its evidence."""

    __tablename__ = "evidence_packs"
    __table_args__ = (enum_check("outcome", EvaluationOutcome, name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: unguessable public code (same alphabet and form as certificate codes)
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(2))
    #: the rule version used; None when no rule was on file (outcome "unknown")
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction_rules.id", ondelete="RESTRICT"))
    rule_version: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(20))
    #: everything the pack shows, frozen and signed (see training.jurisdictions.packs)
    payload: Mapped[dict] = mapped_column(JSON)
    signature: Mapped[str] = mapped_column(String(200))
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", foreign_keys=[user_id])
    rule = relationship(JurisdictionRule)
