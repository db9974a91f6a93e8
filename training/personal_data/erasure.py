"""Erasure on request, with the legal hold on CE records.

Licensing boards require providers to keep CE records for 4-6 years; the platform keeps them
``CE_RECORD_RETENTION_YEARS`` (10 by default). A course is *held* when the person has a
certificate for it issued within that period: its certificates (their frozen snapshot is the
record: name, license, hours), sign-offs, enrolment, lesson completions and quiz attempts stay.
Everything else is erased: learning records of other courses, mail, mail preferences, login
counters, API tokens. The account row stays (held records point at it) but loses every
personal field and can no longer log in. The hash-chained audit log is itself a compliance
record and is not rewritten; the erasure is appended to it with what was kept and removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from modules.models import Enrolment, Lesson, LessonCompletion, Module
from quizzes.models import Attempt, Quiz
from training.audit import record_event
from training.auth.models import LoginCounter, User
from training.auth.passwords import hash_password
from training.auth.services import end_sessions
from training.certificates.models import Certificate
from training.database import utcnow
from training.extensions import db
from training.notifications.models import NotificationPreference, OutboxMessage
from training.practical.personal_data import erase_practical
from training.progress.models import SignOff
from training.records.models import ApiToken


class ErasureRefused(ValueError):
    pass


@dataclass
class ErasureReport:
    held_certificates: list[str] = field(default_factory=list)
    held_course_ids: list[int] = field(default_factory=list)
    hold_until: str | None = None
    erased: dict[str, int] = field(default_factory=dict)


def held_course_ids(user: User) -> tuple[set[int], list[Certificate]]:
    years = int(current_app.config["CE_RECORD_RETENTION_YEARS"])
    since = utcnow() - timedelta(days=round(365.25 * years))
    certificates = list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.issued_at >= since)
    ))
    return {c.course_id for c in certificates}, certificates


def _count(result) -> int:
    return max(result.rowcount or 0, 0)


def erase_account(user: User, *, requested_by: User) -> ErasureReport:
    """Erase what is not under legal hold and strip the account; audited with the outcome."""
    if user.has_role("admin"):
        raise ErasureRefused("An administrator account cannot erase itself; another administrator must remove the"
                             " admin role first.")
    held, certificates = held_course_ids(user)
    report = ErasureReport(held_certificates=sorted(c.serial for c in certificates), held_course_ids=sorted(held))
    if certificates:
        years = int(current_app.config["CE_RECORD_RETENTION_YEARS"])
        last = max(c.issued_at for c in certificates)
        report.hold_until = (last + timedelta(days=round(365.25 * years))).date().isoformat()
    record_event("personal_data.erasure_requested", f"user:{user.id}", actor=requested_by)

    quiz_ids_of_held = select(Quiz.id).join(Module, Module.id == Quiz.module_id).where(Module.course_id.in_(held))
    lesson_ids_of_held = (select(Lesson.id).join(Module, Module.id == Lesson.module_id)
                          .where(Module.course_id.in_(held)))
    erased = report.erased
    erased["quiz_attempts"] = _count(db.session.execute(
        delete(Attempt).where(Attempt.user_id == user.id, Attempt.quiz_id.not_in(quiz_ids_of_held))))
    erased["lesson_completions"] = _count(db.session.execute(
        delete(LessonCompletion).where(LessonCompletion.user_id == user.id,
                                       LessonCompletion.lesson_id.not_in(lesson_ids_of_held))))
    erased["signoffs"] = _count(db.session.execute(
        delete(SignOff).where(SignOff.trainee_id == user.id, SignOff.course_id.not_in(held))))
    erased["enrolments"] = _count(db.session.execute(
        delete(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id.not_in(held))))
    erased["mail"] = _count(db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.user_id == user.id)))
    erased["notification_preferences"] = _count(db.session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == user.id)))
    erased["login_counters"] = _count(db.session.execute(
        delete(LoginCounter).where(LoginCounter.key == f"account:{user.email}")))
    erased["api_tokens"] = _count(db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)))
    erased.update(erase_practical(user.id, held))

    user.email = f"erased-{user.id}@erased.invalid"
    user.name = f"Erased account {user.id}"
    user.given_names = user.family_name = ""
    user.license_number = user.license_state = user.profession = None
    user.time_zone = "UTC"
    user.password_hash = hash_password(f"erased-{user.id}-{utcnow().isoformat()}-unusable")
    user.active = False
    end_sessions(user)
    record_event("personal_data.erased", f"user:{user.id}",
                 {"held_certificates": report.held_certificates, "held_course_ids": report.held_course_ids,
                  "hold_until": report.hold_until, "erased": erased,
                  "retention_years": int(current_app.config["CE_RECORD_RETENTION_YEARS"])},
                 actor=None)
    db.session.flush()
    return report
