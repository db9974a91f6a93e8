"""Trainees' dashboards and practical sign-offs.

Whether a course is complete is decided by the completion engine alone
(``training.progress.engine``), from the steps its providers report: lessons, module quizzes
and, where ``course.requires_signoff``, the practical sign-off (``signoff_step``), whose
latest *recorded* outcome decides (sign-offs are never edited).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.models import Course, Enrolment, Module
from modules.services import find_enrolment
from training.audit import record_event
from training.database import utcnow
from training.errors import RuleViolation
from training.extensions import db
from training.progress.engine import Progress, course_progress, progress_in_courses
from training.progress.models import SignOff, SignOffOutcome
from training.progress.signals import signoff_recorded

OUTCOMES = {outcome.value: outcome.label for outcome in SignOffOutcome}
#: an evaluation longer than this is a typing error, unless the course itself asks for more
MAX_SIGNOFF_HOURS = Decimal(100)
#: the database refuses more (ck_signoffs_hours_range)
HARD_MAX_HOURS = Decimal(200)
MAX_NOTES = 2000
STATUS_LABELS = {
    "in_progress": "In progress",
    "awaiting_signoff": "Waiting for sign-off",
    "complete": "Complete",
}


class SignOffError(RuleViolation):
    """A sign-off broke a rule; ``field`` names the form field concerned."""


def latest_signoff(user_id: int, course_id: int) -> SignOff | None:
    """The trainee's most recently recorded sign-off in the course (the one that counts)."""
    return db.session.scalar(
        select(SignOff)
        .where(SignOff.trainee_id == user_id, SignOff.course_id == course_id)
        .order_by(SignOff.id.desc())
        .limit(1)
    )


def latest_passing_signoff(user_id: int, course_id: int) -> SignOff | None:
    """The most recent "pass": its hours go on the certificate."""
    return db.session.scalar(
        select(SignOff)
        .where(SignOff.trainee_id == user_id, SignOff.course_id == course_id,
               SignOff.outcome == SignOffOutcome.PASS)
        .order_by(SignOff.id.desc())
        .limit(1)
    )


def signoff_history(user_id: int, course_id: int) -> list[SignOff]:
    """Every sign-off of the trainee in the course, newest first (the instructor's context)."""
    return list(db.session.scalars(
        select(SignOff)
        .where(SignOff.trainee_id == user_id, SignOff.course_id == course_id)
        .order_by(SignOff.id.desc())
    ))


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


def max_signoff_hours(course: Course) -> Decimal:
    """The most in-person hours one evaluation may record: more is a typing error."""
    return min(max(MAX_SIGNOFF_HOURS, Decimal(course.practical_hours or 0)), HARD_MAX_HOURS)


def _checked_hours(course: Course, hours: object) -> Decimal:
    try:
        value = Decimal(str(hours))
    except InvalidOperation:
        raise SignOffError("Enter the hours as a number, e.g. 27 or 13.5.", "hours") from None
    limit = max_signoff_hours(course)
    if not value.is_finite() or value < 0 or value > limit:
        raise SignOffError(f"Hours must be between 0 and {limit:f}.", "hours")
    if value != value.quantize(Decimal("0.01")):
        raise SignOffError("Use at most two decimals for the hours.", "hours")
    return value


def _checked_date(evaluated_on: date) -> date:
    # one day of slack: an instructor east of UTC may already be on tomorrow's date
    if evaluated_on > utcnow().date() + timedelta(days=1):
        raise SignOffError("The evaluation date cannot be in the future.", "evaluated_on")
    if evaluated_on.year < 2000:
        raise SignOffError("Enter the date the evaluation took place.", "evaluated_on")
    return evaluated_on


def record_signoff(
    *, instructor, trainee, course: Course, evaluated_on: date, hours: object,
    skills: Iterable[str], outcome: str, notes: str = "",
) -> SignOff:
    """Record an instructor's practical evaluation, audit it, and announce it (flushes)."""
    if instructor is None or not instructor.has_role("instructor"):
        raise SignOffError("Only instructors can record a practical sign-off.")
    if instructor.id == trainee.id:
        raise SignOffError("You cannot sign off your own practical evaluation.")
    if not course.requires_signoff:
        raise SignOffError("This course has no practical sign-off.")
    if find_enrolment(trainee.id, course.id) is None:
        raise SignOffError(f"{trainee.name} is not enrolled in {course.title}.")
    if outcome not in OUTCOMES:
        raise SignOffError("Choose pass or not yet.", "outcome")
    value = _checked_hours(course, hours)
    checklist = list(course.signoff_checklist or [])
    checked = set(skills)
    if unknown := checked - set(checklist):
        raise SignOffError(
            f"Not on this course's checklist: {', '.join(sorted(unknown))}.", "skills"
        )
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise SignOffError(f"Keep the notes under {MAX_NOTES} characters.", "notes")
    if outcome == SignOffOutcome.PASS:
        if missing := [item for item in checklist if item not in checked]:
            raise SignOffError(
                f"A pass needs every skill on the checklist; not checked: {', '.join(missing)}.",
                "skills",
            )
        required = Decimal(course.practical_hours or 0)
        if value < required:
            raise SignOffError(
                f"A pass needs at least the course's {required.normalize():f} in-person hours; "
                "record \u201cnot yet\u201d until they are done.", "hours",
            )
    signoff = SignOff(
        trainee_id=trainee.id, course_id=course.id, instructor_id=instructor.id,
        instructor_name=instructor.name, evaluated_on=_checked_date(evaluated_on), hours=value,
        checklist={item: item in checked for item in checklist}, outcome=outcome, notes=notes,
    )
    db.session.add(signoff)
    db.session.flush()
    # audit first, as every audited event does, so locks are always taken in the same order
    record_event(
        "signoff.recorded", f"signoff:{signoff.id}",
        {"trainee_id": trainee.id, "course": course.code, "outcome": outcome,
         "hours": f"{value:f}", "evaluated_on": signoff.evaluated_on.isoformat()},
        actor=instructor,
    )
    signoff_recorded.send(signoff)
    return signoff
