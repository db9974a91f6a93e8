"""The in-person practical: workshops, seats, attendance, rubric skills, assessments, supervised sessions.

Times are stored in UTC (naive, like every timestamp of the platform); a workshop keeps its
venue's IANA time zone so that pages and calendar files show and take local times.
Records here are evidence: attendance and assessments are never edited, a correction or a
reassessment is a new row, and the newest row is the one that counts.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.database import enum_check, utcnow
from training.extensions import db


class SeatStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    COMPETENT = "competent"
    NOT_YET = "not_yet"


class LogStatus(StrEnum):
    PENDING = "pending"
    COUNTERSIGNED = "countersigned"
    REJECTED = "rejected"


workshop_instructors = Table(
    "workshop_instructors",
    db.metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Workshop(db.Model):
    """One in-person lab session of a course at a venue."""

    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ratio >= 1", name="ratio_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    #: IANA zone of the venue ("America/Chicago"): times are entered and shown in it
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]  #: UTC
    ends_at: Mapped[datetime]  #: UTC
    capacity: Mapped[int]
    #: at most this many trainees per instructor present
    ratio: Mapped[int]
    #: ids of the course's online modules a trainee must have passed to hold a seat
    required_module_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: bumped under lock by every seat change: the UPDATE is what serialises them
    seat_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("Course")
    instructors = relationship("User", secondary=workshop_instructors, order_by="User.name")
    seats: Mapped[list[Seat]] = relationship(back_populates="workshop", order_by="Seat.id")


class Seat(db.Model):
    """A trainee's place in a workshop: confirmed, on the waitlist, or cancelled (kept for the record)."""

    __tablename__ = "workshop_seats"
    __table_args__ = (
        UniqueConstraint("workshop_id", "user_id"),
        enum_check("status", SeatStatus, name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    #: place in the workshop's queue, given in arrival order under the workshop lock, never reused
    queue_number: Mapped[int]
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    #: set when the seat came from the waitlist, so the trainee is told on the dashboard
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    workshop: Mapped[Workshop] = relationship(back_populates="seats")
    user = relationship("User")


class AttendanceEntry(db.Model):
    """Check-in and check-out of one trainee on one day of a workshop; never edited.

    A change is a new entry that points at the one it replaces (``replaces_id``) with who,
    when and why; the entry nobody replaces is the current one.
    """

    __tablename__ = "workshop_attendance"
    __table_args__ = (
        CheckConstraint("minutes >= 0 AND minutes <= 12000", name="minutes_range"),
        CheckConstraint("check_out_at IS NULL OR check_out_at > check_in_at", name="out_after_in"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: NULL only for hours carried over from a practical sign-off recorded before workshops existed
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the session day in the venue's zone
    day: Mapped[date]
    check_in_at: Mapped[datetime | None]  #: UTC
    check_out_at: Mapped[datetime | None]  #: UTC
    #: minutes attended (check-out minus check-in; 0 while checked in)
    minutes: Mapped[int] = mapped_column(default=0)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_attendance.id"), unique=True)
    #: set on the replaced entry by the correction; the entry's own facts never change
    replaced: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_name: Mapped[str] = mapped_column(String(120), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the practical sign-off this entry was carried over from
    signoff_id: Mapped[int | None]

    workshop = relationship("Workshop")
    user = relationship("User", foreign_keys=[user_id])


class Skill(db.Model):
    """One skill of a course's competency rubric, with observable criteria, loaded from rubric.yaml."""

    __tablename__ = "practical_skills"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    #: body region the skill belongs to; "" for skills that apply everywhere
    region: Mapped[str] = mapped_column(String(80), default="")
    required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    #: [{"key": "hand-hygiene", "text": "Hand hygiene before and after"}, ...]
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    #: no longer in the rubric; kept so earlier assessments still read
    retired: Mapped[bool] = mapped_column(default=False)


class Assessment(db.Model):
    """An instructor's assessment of one skill of one trainee; a reassessment is a new row."""

    __tablename__ = "skill_assessments"
    __table_args__ = (
        enum_check("outcome", Outcome, name="outcome_known"),
        CheckConstraint("assessor_id IS NULL OR assessor_id <> trainee_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("practical_skills.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="SET NULL"))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: kept as text so the record reads even if the assessor's account goes
    assessor_name: Mapped[str] = mapped_column(String(120))
    #: [{"key": ..., "text": ..., "met": true}, ...] as the criteria read when assessed
    results: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the practical sign-off this assessment was carried over from
    signoff_id: Mapped[int | None]

    skill: Mapped[Skill] = relationship()
    workshop = relationship("Workshop")


class SupervisedSession(db.Model):
    """A supervised patient treatment logged by a trainee, countersigned or rejected by the supervisor.

    It holds no patient identifiers: the form refuses what looks like one.
    """

    __tablename__ = "supervised_sessions"
    __table_args__ = (
        enum_check("status", LogStatus, name="status_known"),
        CheckConstraint("supervisor_id <> trainee_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    treated_on: Mapped[date]
    setting: Mapped[str] = mapped_column(String(120))
    #: region or muscles treated, e.g. "Upper trapezius, levator scapulae"
    region: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(14), default=LogStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    trainee = relationship("User", foreign_keys=[trainee_id])
    supervisor = relationship("User", foreign_keys=[supervisor_id])
    course = relationship("Course")


class PracticalPlan(db.Model):
    """What a course asks of the in-person half beyond its hours (from rubric.yaml)."""

    __tablename__ = "practical_plans"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    #: countersigned supervised sessions required for completion (0: none)
    supervised_sessions_required: Mapped[int] = mapped_column(default=0)
