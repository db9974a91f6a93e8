"""Issued CE certificates: frozen, signed, and never edited except by recorded acts.

A certificate's printed data (``snapshot``) never changes. What may change over its life is its
standing: revoked (and that revocation reversed), suspended (and the suspension lifted),
superseded by a re-issue or a renewal, expired. Each such act is a :class:`CertificateEvent`
(shown on the public verification page) and an audit log entry.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
    not_,
    or_,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Date

from training.database import enum_check, utcnow
from training.extensions import db


class CertificateStatus(StrEnum):
    """Where a certificate stands today; the order of the members is the order of precedence."""

    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    VALID = "valid"


class utc_today(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """Today's date in UTC, computed by the database (the same day Python's ``utcnow`` sees)."""

    type = Date()
    inherit_cache = True


@compiles(utc_today)
def _utc_today_default(element, compiler, **kw):
    return "CURRENT_DATE"


@compiles(utc_today, "sqlite")
def _utc_today_sqlite(element, compiler, **kw):
    return "date('now')"  # SQLite's 'now' is UTC


@compiles(utc_today, "postgresql")
def _utc_today_postgresql(element, compiler, **kw):
    return "CAST(timezone('UTC', now()) AS DATE)"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # exactly one live certificate per trainee and course, even under concurrent completion
        Index(
            "uq_certificates_current", "user_id", "course_id", unique=True,
            sqlite_where=text("is_current"), postgresql_where=text("is_current"),
        ),
        Index("ix_certificates_issued_at", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: readable, e.g. DN-2026-000123
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    #: unguessable code for public verification, separate from the serial
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), index=True
    )
    #: everything printed on the certificate, frozen at issue (CertificateSnapshot.to_dict())
    snapshot: Mapped[dict] = mapped_column(JSON)
    #: Ed25519 signature (base64url) of the canonical JSON of ``snapshot``
    signature: Mapped[str] = mapped_column(String(200))
    key_fingerprint: Mapped[str] = mapped_column(String(64))
    completion_date: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: last day the certificate is valid (frozen at issue, printed); None: it never expires
    expires_on: Mapped[date | None] = mapped_column(index=True)
    #: False once superseded by a re-issue or a renewal; the live certificate of a trainee and course
    is_current: Mapped[bool] = mapped_column(default=True)
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: a temporary hold (e.g. during an investigation); lifted by clearing these columns
    suspended_at: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    # denormalised from the snapshot for the auditors' filters
    profession: Mapped[str] = mapped_column(String(40), default="", index=True)
    license_state: Mapped[str] = mapped_column(String(60), default="", index=True)

    user = relationship("User", foreign_keys=[user_id])
    course = relationship("Course")
    supersedes = relationship("Certificate", foreign_keys=[supersedes_id], remote_side=[id])
    superseded_by = relationship(
        "Certificate", foreign_keys=[superseded_by_id], remote_side=[id], post_update=True
    )
    events = relationship("CertificateEvent", back_populates="certificate",
                          foreign_keys="CertificateEvent.certificate_id",
                          order_by="CertificateEvent.id")

    @hybrid_property
    def status(self) -> CertificateStatus:
        """The one status rule: revoked, then superseded, suspended, expired, else valid."""
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.superseded_by_id is not None or not self.is_current:
            return CertificateStatus.SUPERSEDED
        if self.suspended_at is not None:
            return CertificateStatus.SUSPENDED
        if self.expires_on is not None and self.expires_on < utcnow().date():
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        return case(
            (cls.revoked_at.is_not(None), CertificateStatus.REVOKED.value),
            (or_(cls.superseded_by_id.is_not(None), not_(cls.is_current)),
             CertificateStatus.SUPERSEDED.value),
            (cls.suspended_at.is_not(None), CertificateStatus.SUSPENDED.value),
            (cls.expires_on < utc_today(), CertificateStatus.EXPIRED.value),
            else_=CertificateStatus.VALID.value,
        )


class CertificateAction(StrEnum):
    """The recorded acts in a certificate's life, shown as its public history."""

    ISSUED = "issued"
    REVOKED = "revoked"
    REVOCATION_REVERSED = "revocation_reversed"
    SUSPENDED = "suspended"
    SUSPENSION_LIFTED = "suspension_lifted"
    SUPERSEDED = "superseded"
    RENEWED = "renewed"


class CertificateEvent(db.Model):
    """One act on a certificate (who, when, why); the public history of corrections."""

    __tablename__ = "certificate_events"
    __table_args__ = (enum_check("action", CertificateAction, name="action_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the other certificate of a re-issue or renewal (its serial is shown as a link)
    related_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )

    certificate = relationship("Certificate", foreign_keys=[certificate_id],
                               back_populates="events")
    related = relationship("Certificate", foreign_keys=[related_id])


class SigningKeyRecord(db.Model):
    """A public signing key of the provider with the period it signed in (published forever)."""

    __tablename__ = "certificate_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 hex of the raw public key, as stored on every certificate it signed
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    public_pem: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)
    #: set when the key is retired by a rotation; None while it is the signing key
    valid_until: Mapped[datetime | None]


class RecertificationRule(db.Model):
    """How long a course's certificate is valid and how it is renewed within the cycle."""

    __tablename__ = "recertification_rules"
    __table_args__ = (
        CheckConstraint("validity_months > 0 AND validity_months <= 240", name="validity_range"),
        CheckConstraint("ce_hours IS NULL OR (ce_hours > 0 AND ce_hours <= 500)",
                        name="ce_hours_range"),
    )

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    validity_months: Mapped[int]
    #: completing this shorter course within the cycle renews the certificate
    refresher_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL")
    )
    #: or earning this many CE hours within the cycle in the courses of ``ce_course_codes``
    ce_hours: Mapped[int | None]
    ce_course_codes: Mapped[list] = mapped_column(JSON, default=list)

    course = relationship("Course", foreign_keys=[course_id])
    refresher_course = relationship("Course", foreign_keys=[refresher_course_id])


#: days before expiry at which the holder is reminded, each once
REMINDER_DAYS = (90, 60, 30, 7)


class ExpiryReminder(db.Model):
    """A reminder queued for one certificate at one lead time: the row makes it happen once."""

    __tablename__ = "certificate_expiry_reminders"
    __table_args__ = (
        UniqueConstraint("certificate_id", "days_before"),
        CheckConstraint(f"days_before IN {REMINDER_DAYS}", name="lead_time_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    days_before: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
