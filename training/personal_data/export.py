"""Everything the platform holds about one person, as plain data (JSON-ready, times ISO 8601 UTC).

Features that keep personal data of their own add a section with
``register_personal_data_section(app, "workshop_seats", collect)`` where ``collect(user)``
returns a list of JSON-ready dicts; it appears in the download and the readable page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from modules.models import Enrolment, Lesson, LessonCompletion, Module
from quizzes.models import Attempt, Quiz
from training.audit.models import AuditEntry
from training.auth.models import User
from training.certificates.models import Certificate
from training.database import utcnow
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.notifications.services import preferences_of
from training.progress.models import SignOff

EXTENSION = "training.personal_data_sections"


def register_personal_data_section(app: Flask, name: str, collect: Callable[[User], list[dict]]) -> None:
    """Add ``name`` to every person's data download; ``collect(user)`` returns JSON-ready dicts."""
    app.extensions.setdefault(EXTENSION, {})[name] = collect


def iso(value) -> str | None:
    """ISO 8601 in UTC (``Z``) for stored datetimes; dates as they are."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z" if value.tzinfo is None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def collect_personal_data(user: User) -> dict:
    """One dict with every section; a fixed number of queries whatever the amount of data."""
    data = {
        "exported_at": iso(utcnow()),
        "account": {
            "id": user.id, "email": user.email, "email_verified_at": iso(user.email_verified_at),
            "given_names": user.given_names, "family_name": user.family_name, "print_name": user.name,
            "time_zone": user.time_zone, "profession": user.profession, "license_number": user.license_number,
            "license_state": user.license_state, "active": user.active, "created_at": iso(user.created_at),
            "roles": sorted(user.roles),
        },
        "notification_preferences": preferences_of(user),
        "enrolments": _enrolments(user),
        "lesson_completions": _lesson_completions(user),
        "quiz_attempts": _attempts(user),
        "signoffs": _signoffs(user),
        "certificates": _certificates(user),
        "mail": _mail(user),
        "audit_events": _audit(user),
    }
    for name, collect in current_app.extensions.get(EXTENSION, {}).items():
        data[name] = collect(user)
    return data


def _enrolments(user):
    rows = db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id)
                              .options(selectinload(Enrolment.course)).order_by(Enrolment.id))
    return [{"course_code": e.course.code, "course_title": e.course.title, "enrolled_at": iso(e.enrolled_at),
             "completed_at": iso(e.completed_at)} for e in rows]


def _lesson_completions(user):
    rows = db.session.execute(
        select(LessonCompletion.completed_at, Lesson.title, Module.title)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id).join(Module, Module.id == Lesson.module_id)
        .where(LessonCompletion.user_id == user.id).order_by(LessonCompletion.completed_at)
    ).all()
    return [{"module": module, "lesson": lesson, "completed_at": iso(at)} for at, lesson, module in rows]


def _attempts(user):
    rows = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id)
        .options(selectinload(Attempt.responses), selectinload(Attempt.quiz).selectinload(Quiz.module))
        .order_by(Attempt.id)
    )
    return [{
        "quiz": a.quiz.module.title, "number": a.number, "started_at": iso(a.started_at),
        "submitted_at": iso(a.submitted_at), "percent": a.percent, "passed": a.passed,
        "responses": [{"question_id": r.question_id, "answer": r.answer, "saved_at": iso(r.saved_at),
                       "score": r.score} for r in sorted(a.responses, key=lambda r: r.position)],
    } for a in rows]


def _signoffs(user):
    rows = db.session.scalars(select(SignOff).where(SignOff.trainee_id == user.id).order_by(SignOff.id))
    return [{"course_id": s.course_id, "instructor": s.instructor_name, "evaluated_on": iso(s.evaluated_on),
             "hours": iso(s.hours), "outcome": s.outcome, "notes": s.notes, "checklist": s.checklist}
            for s in rows]


def _certificates(user):
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id))
    return [{"serial": c.serial, "issued_at": iso(c.issued_at), "status": c.status,
             "revoked_at": iso(c.revoked_at), "printed": c.snapshot} for c in rows]


def _mail(user):
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == user.id)
                              .order_by(OutboxMessage.id))
    return [{"to": m.to_email, "subject": m.subject, "created_at": iso(m.created_at), "sent_at": iso(m.sent_at),
             "status": m.status} for m in rows]


def _audit(user):
    rows = db.session.scalars(
        select(AuditEntry).where(or_(AuditEntry.actor_id == user.id, AuditEntry.subject == f"user:{user.id}"))
        .order_by(AuditEntry.seq)
    )
    return [{"seq": e.seq, "at": iso(e.at), "actor": e.actor, "action": e.action, "subject": e.subject,
             "details": e.details} for e in rows]
