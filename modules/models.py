"""Courses, their ordered modules and lessons, lesson revisions, enrolments and completions.

Enrolments and lesson completions live here rather than in ``training.progress`` because
delivering a lesson depends on them (locks, "not enrolled") and this layer may not import
the ones above it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.content_version import track_content
from training.database import utcnow
from training.extensions import db


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("contact_hours >= 0 AND practical_hours >= 0", name="hours_not_negative"),
        CheckConstraint("seat_time_percent >= 0 AND seat_time_percent <= 100",
                        name="seat_time_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(String(200), default="")
    approval_number: Mapped[str] = mapped_column(String(80), default="")
    #: online CE contact hours (60-minute hours of instruction)
    contact_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    #: supervised in-person practical hours required for completion
    practical_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    requires_signoff: Mapped[bool] = mapped_column(default=False)
    #: share (percent) of a lesson's stated minutes a trainee must spend on it, measured,
    #: before it can be marked complete
    seat_time_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    #: skills an instructor checks at the practical sign-off
    signoff_checklist: Mapped[list] = mapped_column(JSON, default=list)
    #: who may take the course and what it assumes, shown on the public course page
    prerequisites: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )


class Module(db.Model):
    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: 1-based order within the course, kept without gaps by the services
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    #: stable ids of ``objectives`` by position (questions name them); empty means o1, o2, ...
    objective_ids: Mapped[list] = mapped_column(JSON, default=list)
    intro: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("module_id", "slug"),
        CheckConstraint("minutes > 0 AND minutes <= 600", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_modules.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=15)
    published: Mapped[bool] = mapped_column(default=True)
    #: ids of the module objectives this lesson teaches (``Module.objective_ids``): a quiz
    #: review links each question to the lessons teaching the objectives it examines
    objectives: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_revisions.id", use_alter=True, ondelete="SET NULL")
    )

    module: Mapped[Module] = relationship(back_populates="lessons")
    current_revision: Mapped[LessonRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    revisions: Mapped[list[LessonRevision]] = relationship(
        back_populates="lesson", foreign_keys="LessonRevision.lesson_id",
        order_by="LessonRevision.number.desc()", cascade="all, delete-orphan",
    )


class LessonRevision(db.Model):
    """One saved version of a lesson body; never edited, so the rendered HTML is cached on it."""

    __tablename__ = "lesson_revisions"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: sanitized HTML rendered once when the revision is saved
    html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: who made it, kept as text so the history reads even if the account goes
    author_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship(back_populates="revisions", foreign_keys=[lesson_id])


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: set when every completion rule of the course is met
    completed_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    user = relationship("User")


class LessonCompletion(db.Model):
    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: completed before time on task was measured: no seat time is known, none is invented
    before_time_measured: Mapped[bool] = mapped_column(default=False, server_default=false())


class LessonTime(db.Model):
    """Measured active time of one trainee on one lesson, accrued from page heartbeats."""

    __tablename__ = "lesson_times"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        CheckConstraint("active_seconds >= 0", name="active_seconds_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    active_seconds: Mapped[int] = mapped_column(default=0)
    first_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActivityClock(db.Model):
    """When a trainee's last heartbeat was accepted, across every tab and lesson.

    Credit is never more than the wall-clock time since this moment, so two tabs (or forged
    requests) cannot accrue time faster than it passes.
    """

    __tablename__ = "activity_clocks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_beat_at: Mapped[datetime] = mapped_column(default=utcnow)


def objective_pairs(module: Module) -> list[tuple[str, str]]:
    """(id, text) of each objective; ids default to ``o1``, ``o2``... by position."""
    ids = list(module.objective_ids or [])
    return [(ids[i] if i < len(ids) and ids[i] else f"o{i + 1}", text)
            for i, text in enumerate(module.objectives or [])]


# what the content cache (training.content_version) must never serve stale
track_content(Course, Module, Lesson, LessonRevision)
