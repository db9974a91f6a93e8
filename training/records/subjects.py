"""Readable audit log subjects: ``lesson:23`` becomes "Lesson “Thorax and pneumothorax”".

The log keeps the raw ``kind:id`` (it is hashed and must never change); pages show the label
with the raw subject on hover, and exports carry both. Labels are looked up in one query per
kind for a whole page or export batch, so the cost does not grow with the number of entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import select

from modules.models import Course, Lesson
from quizzes.models import Attempt, Question, Quiz
from training.auth.models import User
from training.certificates.models import Certificate
from training.extensions import db
from training.progress.models import SignOff
from training.records.models import ApiToken


def _users(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(User.id, User.name, User.email).where(User.id.in_(_ints(ids))))
    return {str(r.id): f"{r.name} ({r.email})" for r in rows}


def _lessons(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(Lesson.id, Lesson.title).where(Lesson.id.in_(_ints(ids))))
    return {str(r.id): f"Lesson “{r.title}”" for r in rows}


def _courses(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(Course.id, Course.code, Course.title).where(Course.id.in_(_ints(ids))))
    return {str(r.id): f"Course {r.code} “{r.title}”" for r in rows}


def _questions(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(Question.id, Question.title).where(Question.id.in_(_ints(ids))))
    return {str(r.id): f"Question “{r.title}”" if r.title else f"Question {r.id}" for r in rows}


def _attempts(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(
        select(Attempt.id, Attempt.number, Quiz.title, User.name)
        .join(Quiz, Quiz.id == Attempt.quiz_id).join(User, User.id == Attempt.user_id)
        .where(Attempt.id.in_(_ints(ids)))
    )
    return {str(r.id): f"Attempt {r.number} at “{r.title}” by {r.name}" for r in rows}


def _certificates(serials: list[str]) -> dict[str, str]:
    rows = db.session.execute(
        select(Certificate.serial, User.name, Course.code)
        .join(User, User.id == Certificate.user_id).join(Course, Course.id == Certificate.course_id)
        .where(Certificate.serial.in_(serials))
    )
    return {r.serial: f"Certificate {r.serial} ({r.name}, {r.code})" for r in rows}


def _signoffs(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(
        select(SignOff.id, User.name, Course.code)
        .join(User, User.id == SignOff.trainee_id).join(Course, Course.id == SignOff.course_id)
        .where(SignOff.id.in_(_ints(ids)))
    )
    return {str(r.id): f"Sign-off of {r.name} ({r.code})" for r in rows}


def _tokens(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(_ints(ids))))
    return {str(r.id): f"API token “{r.name}”" for r in rows}


def _ints(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isascii() and i.isdigit() and len(i) < 10]


RESOLVERS: dict[str, Callable[[list[str]], dict[str, str]]] = {
    "user": _users, "lesson": _lessons, "course": _courses, "question": _questions, "attempt": _attempts,
    "certificate": _certificates, "signoff": _signoffs, "api_token": _tokens,
}
FIXED = {"audit_log": "The audit log"}


def subject_labels(subjects: Iterable[str]) -> dict[str, str]:
    """Raw subject -> readable label, for the subjects that can be named (others are left out)."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for subject in subjects:
        if subject in FIXED:
            labels[subject] = FIXED[subject]
        kind, _, key = (subject or "").partition(":")
        if key and kind in RESOLVERS:
            by_kind[kind].add(key)
        elif kind == "email" and key:
            labels[subject] = f"Account email {key}"
    for kind, keys in by_kind.items():
        for key, label in RESOLVERS[kind](sorted(keys)).items():
            labels[f"{kind}:{key}"] = label
    return labels
