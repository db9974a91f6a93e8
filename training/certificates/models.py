"""Issued CE certificates: frozen, signed, and never edited except to revoke or supersede."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.database import utcnow
from training.extensions import db


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
    #: False once superseded by a re-issue; the live certificate of a trainee and course
    is_current: Mapped[bool] = mapped_column(default=True)
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
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

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_by_id is not None or not self.is_current:
            return "superseded"
        return "valid"
