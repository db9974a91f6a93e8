"""Board approvals of courses: which board approved a course, under which number, for how long.

A course may be approved by several boards (each state's board or CE Broker tracking number);
certificates print the approvals valid on the completion day, and board rosters use them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.database import utcnow
from training.extensions import db


class CourseApproval(db.Model):
    __tablename__ = "course_approvals"
    __table_args__ = (
        UniqueConstraint("course_id", "board", "approval_number"),
        CheckConstraint("hours_approved > 0", name="hours_positive"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: e.g. "Florida Board of Physical Therapy Practice"
    board: Mapped[str] = mapped_column(String(200))
    #: two-letter code of the board's jurisdiction, e.g. "FL"
    jurisdiction: Mapped[str] = mapped_column(String(2))
    #: the provider's number with this board (CE Broker: provider tracking number)
    provider_number: Mapped[str] = mapped_column(String(60), default="")
    #: the course's approval number (CE Broker: course tracking number)
    approval_number: Mapped[str] = mapped_column(String(80))
    hours_approved: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    #: [{"area": "General", "hours": "24"}]: hours reported per subject area
    subject_areas: Mapped[list] = mapped_column(JSON, default=list)
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course = relationship("Course")

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
