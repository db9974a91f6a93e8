"""One trainee's complete CE record, and finding trainees by name, email or license."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from modules.models import Course, Enrolment, Module
from quizzes.models import Attempt, Quiz
from training.audit.changes import change_history
from training.audit.models import AuditEntry
from training.auth.models import User, UserRole
from training.extensions import db
from training.progress.cohort import quiz_seconds
from training.progress.engine import Progress, progress_in_courses
from training.progress.hours import OnlineHours, online_hours
from training.progress.models import SignOff
from training.records.filters import MAX_PAGE, ArgReader
from training.records.services import Record, records_of_user

SEARCH_PAGE_SIZE = 25


def parse_search_request(args) -> tuple[str, int]:
    """Search text and page of the trainee search."""
    reader = ArgReader(args, ("q", "page"))
    query = reader.text("q", 100)
    page = reader.integer("page", 1, 1, MAX_PAGE)
    reader.done()
    return query, page


def search_trainees(query: str, page: int):
    """Users holding the trainee role whose name, email or license number contains ``query``."""
    stmt = (
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "trainee").order_by(User.name, User.id)
    )
    if query:
        stmt = stmt.where(
            or_(
                User.name.icontains(query, autoescape=True),
                User.email.contains(query.lower(), autoescape=True),
                User.license_number.icontains(query, autoescape=True),
            )
        )
    return db.paginate(stmt, page=page, per_page=SEARCH_PAGE_SIZE, error_out=False)


@dataclass(frozen=True)
class CourseStanding:
    """The completion engine's verdict on one enrolment, with the time behind it."""

    enrolment: Enrolment
    progress: Progress
    hours: OnlineHours
    quiz_seconds: int

    @property
    def status(self) -> str:
        return self.progress.status(self.enrolment.completed_at)

    @property
    def untimed_lessons(self) -> int:
        """Lessons completed before time on task was measured (no time is invented)."""
        return sum(1 for s in self.progress.steps if s.evidence.get("before_time_measured"))


@dataclass(frozen=True)
class TraineeRecord:
    user: User
    standings: list[CourseStanding]
    attempts: list[Attempt]
    signoffs: list[SignOff]
    certificates: list[Record]
    #: account creation, profile and licence changes and role changes, oldest first
    profile_history: list[AuditEntry] = field(default_factory=list)


#: the audit actions that change what a trainee's record says about the person
PROFILE_ACTIONS = ("user.registered", "user.created", "user.profile_changed", "user.roles_changed")


def trainee_record(user: User) -> TraineeRecord:
    """Everything on file for ``user``: a fixed number of queries however long the history."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .options(selectinload(Enrolment.course).selectinload(Course.modules)
                 .selectinload(Module.lessons))
        .where(Enrolment.user_id == user.id).order_by(Enrolment.enrolled_at, Enrolment.id)
    ).all()
    every = progress_in_courses([e.course for e in enrolments], user.id)
    standings = [
        CourseStanding(e, every[e.course_id], online_hours(every[e.course_id]),
                       quiz_seconds(every[e.course_id]))
        for e in enrolments
    ]
    attempts = db.session.scalars(
        select(Attempt)
        .options(joinedload(Attempt.quiz).joinedload(Quiz.module).joinedload(Module.course),
                 joinedload(Attempt.quiz).joinedload(Quiz.course))  # a final examination's course
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at, Attempt.id)
    ).all()
    signoffs = db.session.scalars(
        select(SignOff).options(joinedload(SignOff.course))
        .where(SignOff.trainee_id == user.id).order_by(SignOff.evaluated_on, SignOff.id)
    ).all()
    return TraineeRecord(
        user=user,
        standings=standings,
        attempts=list(attempts),
        signoffs=list(signoffs),
        certificates=records_of_user(user.id),
        profile_history=change_history(f"user:{user.id}", PROFILE_ACTIONS),
    )
