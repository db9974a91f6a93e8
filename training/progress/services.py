"""Trainees' dashboards and the enrolment lock of completion checks.

Whether a course is complete is decided by the completion engine alone
(``training.progress.engine``), from the steps its providers report: lessons, module quizzes
and, where the course has an in-person practical, attendance hours, rubric skills and
supervised sessions (``training.practical.providers``). The former free-typed practical
sign-off is no longer recorded; sign-offs on file were carried over into the practical and
stay readable on the trainee's record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.models import Course, Enrolment, Module
from training.extensions import db
from training.progress.engine import Progress, course_progress, progress_in_courses

STATUS_LABELS = {
    "in_progress": "In progress",
    "awaiting_signoff": "Waiting for the practical",
    "complete": "Complete",
}


@dataclass(frozen=True)
class DashboardItem:
    """One enrolled course on the trainee's dashboard, with the engine's verdict."""

    enrolment: Enrolment
    progress: Progress

    @property
    def course(self) -> Course:
        return self.enrolment.course

    @property
    def status(self) -> str:
        return self.progress.status(self.enrolment.completed_at)


def rules_met(course: Course, user) -> bool:
    """True when every completion rule of ``course`` is met by ``user`` (the engine decides)."""
    return course_progress(course, user.id).complete


def dashboard(user) -> list[DashboardItem]:
    """Every course ``user`` is enrolled in, with its progress; courses load in three queries."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .options(selectinload(Enrolment.course).selectinload(Course.modules)
                 .selectinload(Module.lessons))
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    ).all()
    every = progress_in_courses([e.course for e in enrolments], user.id)
    return [DashboardItem(e, every[e.course_id]) for e in enrolments]


def lock_enrolment(user_id: int, course_id: int) -> Enrolment | None:
    """The enrolment, row-locked until commit (PostgreSQL; SQLite serialises writers anyway).

    Completion checks take this lock so that two events completing a course at the same
    moment (the last lesson and the sign-off) are evaluated one after the other: the second
    sees the first's committed work instead of both deciding "not yet complete".
    """
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
