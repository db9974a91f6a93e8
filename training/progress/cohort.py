"""An instructor's view of a course's trainees, loaded in a fixed number of queries.

Every trainee's row is the completion engine's verdict (``cohort_progress``: each step
provider loads its facts for the whole cohort at once), so the grid cannot disagree with the
dashboard or the course page. Time on task is the measured active time on lessons plus the
time spent in quiz attempts, both from the providers' evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from modules.models import Course, Enrolment, Module
from training.extensions import db
from training.progress.engine import ModuleShape, Progress, cohort_progress, course_shape
from training.steps import StepKind

STATUSES = ("in_progress", "awaiting_signoff", "complete")
PRACTICAL_KINDS = (StepKind.ATTENDANCE, StepKind.RUBRIC, StepKind.SUPERVISED)


def lesson_seconds(progress: Progress) -> int:
    """Measured active seconds on the course's lessons."""
    return sum(s.evidence.get("active_seconds", 0) for s in progress.steps
               if s.kind == StepKind.LESSON)


def quiz_seconds(progress: Progress) -> int:
    """Seconds spent in submitted quiz attempts, from their own timestamps."""
    return sum(s.evidence.get("attempt_seconds", 0) for s in progress.steps
               if s.kind == StepKind.QUIZ)


@dataclass
class TraineeRow:
    """One trainee's line in the cohort table."""

    enrolment: Enrolment
    progress: Progress

    @property
    def user(self):
        return self.enrolment.user

    @property
    def percent(self) -> int:
        return self.progress.percent

    @property
    def status(self) -> str:
        return self.progress.status(self.enrolment.completed_at)

    @property
    def modules_done(self) -> int:
        return self.progress.modules_done

    @property
    def module_reached(self) -> int | None:
        return self.progress.module_reached

    @property
    def quizzes_passed(self) -> int:
        return self.progress.count_done(StepKind.QUIZ)

    @property
    def practical(self) -> list:
        """The in-person steps (attendance, rubric, supervised sessions) with their details."""
        return [s for s in self.progress.course_steps if s.kind in PRACTICAL_KINDS]

    @property
    def lesson_seconds(self) -> int:
        return lesson_seconds(self.progress)

    @property
    def quiz_seconds(self) -> int:
        return quiz_seconds(self.progress)


@dataclass
class Cohort:
    course: Course
    modules: list[ModuleShape]
    quiz_count: int
    rows: list[TraineeRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)

    def filtered(self, status: str | None = None, module: int | None = None) -> list[TraineeRow]:
        """Rows with ``status`` and (when given) whose first incomplete module is ``module``;
        ``module=0`` selects trainees who completed every module."""
        rows = self.rows
        if status:
            rows = [r for r in rows if r.status == status]
        if module is not None:
            reached = None if module == 0 else module
            rows = [r for r in rows if r.module_reached == reached]
        return rows


def load_course(course_id: int) -> Course | None:
    """The course with its modules and lessons (three queries), or None."""
    return db.session.scalar(
        select(Course).where(Course.id == course_id)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )


def load_cohort(course: Course) -> Cohort:
    """Every enrolled trainee of ``course`` (modules and lessons already loaded) with progress."""
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id)
        .options(joinedload(Enrolment.user))
    ).all()
    progress = cohort_progress(course, [e.user_id for e in enrolments])
    rows = [TraineeRow(e, progress[e.user_id])
            for e in sorted(enrolments, key=lambda e: (e.user.name.lower(), e.user_id))]
    quiz_count = rows[0].progress.count(StepKind.QUIZ) if rows else 0
    return Cohort(course=course, modules=course_shape(course), quiz_count=quiz_count, rows=rows)


def course_overview() -> list[tuple[Course, int, int]]:
    """(course, trainees enrolled, trainees complete) for every course, in two queries."""
    counts = {
        course_id: (enrolled, completed)
        for course_id, enrolled, completed in db.session.execute(
            select(Enrolment.course_id, func.count(Enrolment.id),
                   func.count(Enrolment.completed_at))
            .group_by(Enrolment.course_id)
        )
    }
    courses = db.session.scalars(select(Course).order_by(Course.title, Course.id)).all()
    return [(c, *counts.get(c.id, (0, 0))) for c in courses]
