"""Practical skills sign-offs recorded by instructors."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.database import utcnow
from training.extensions import db


class SignOff(db.Model):
    """An instructor's evaluation of a trainee's in-person practical; never edited afterwards.

    A "not yet" outcome is followed by a new sign-off when the trainee is ready again.
    """

    __tablename__ = "signoffs"
    __table_args__ = (
        CheckConstraint("outcome IN ('pass', 'not_yet')", name="outcome_known"),
        CheckConstraint("hours >= 0 AND hours <= 200", name="hours_range"),
        CheckConstraint("trainee_id <> instructor_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: kept as text so the record reads even if the instructor's account goes away
    instructor_name: Mapped[str] = mapped_column(String(120))
    evaluated_on: Mapped[date]
    #: supervised in-person hours evaluated
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    #: {"Clean needle technique and hand hygiene": true, ...}
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainee = relationship("User", foreign_keys=[trainee_id])
    course = relationship("Course")
