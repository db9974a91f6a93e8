"""The world the fuzz tests run in: the shipped course, one user per role, some progress."""

from __future__ import annotations

from sqlalchemy import select

from modules.models import Course, Enrolment, Lesson, Module
from modules.services import complete_lesson
from quizzes.attempts import start_attempt
from quizzes.models import Quiz
from training.auth.models import User, UserRole
from training.extensions import db
from training.seed import seed_hooks

ROLES = ["trainee", "instructor", "auditor", "admin"]


def seed_world() -> dict[str, User]:
    """Load the demo content through the real seed hooks, then a user of each role with an
    enrolment, a completed lesson and an open quiz attempt (committed)."""
    from tests.conftest import _PASSWORD_HASH

    users = {}
    for role in ROLES:
        user = User(email=f"fuzz-{role}@example.org", name=f"Fuzz {role.title()}",
                    password_hash=_PASSWORD_HASH, profession="physical_therapist",
                    license_number="PT-12345", license_state="TX")
        user.role_rows = [UserRole(role=role)]
        db.session.add(user)
        users[role] = user
    bystanders = [User(email=f"bystander-{n}@example.org", name=f"Bystander {n}", password_hash=_PASSWORD_HASH,
                       role_rows=[UserRole(role="trainee")]) for n in (1, 2)]
    db.session.add_all(bystanders)
    db.session.flush()
    for hook in seed_hooks():
        hook()
    db.session.commit()
    trainee = users["trainee"]
    course = db.session.scalar(select(Course).order_by(Course.id).limit(1))
    course.seat_time_percent = 0  # the fuzzer reads no lesson for minutes before completing one
    for user in (trainee, *bystanders):
        db.session.add(Enrolment(user_id=user.id, course_id=course.id))
    first_lesson = db.session.scalar(
        select(Lesson).join(Module).where(Module.course_id == course.id).order_by(Module.position, Lesson.position)
    )
    complete_lesson(trainee, first_lesson)
    quiz = db.session.scalar(select(Quiz).order_by(Quiz.id).limit(1))
    start_attempt(quiz, trainee)
    db.session.commit()
    return users
