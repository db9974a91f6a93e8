"""Supervised patient sessions: logged by the trainee, countersigned or rejected by the supervisor.

A log names a supervisor who has an account (instructor or admin) and is not the trainee,
and holds no patient identifiers: free text that looks like a date of birth, a record or
social security number, a phone number or an e-mail address is refused. Only the named
supervisor decides, once; the countersigned count feeds completion and jurisdiction reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from modules.services import find_enrolment
from training.audit import record_event
from training.auth.models import User
from training.database import utcnow
from training.extensions import db
from training.practical.errors import PracticalError
from training.practical.models import LogStatus, SupervisedSession
from training.practical.notices import tell_decided
from training.practical.signals import practical_changed, supervised_decided

MAX_NOTE = 500
IDENTIFIER_PATTERNS = [
    (re.compile(r"\b(dob|d\.o\.b|born|birth)\b", re.I), "a date of birth"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"), "a date (such as a date of birth)"),
    (re.compile(r"\b(mrn|record|chart|patient\s*(no|number|id)|ssn|social security)\b", re.I),
     "a record or patient number"),
    (re.compile(r"\d{4,}"), "a long number (such as a record number)"),
    (re.compile(r"\S+@\S+\.\S+"), "an e-mail address"),
]


def identifier_in(text: str) -> str | None:
    """What kind of patient identifier ``text`` seems to hold, or None."""
    for pattern, label in IDENTIFIER_PATTERNS:
        if pattern.search(text or ""):
            return label
    return None


def _clean(text: str, field: str, limit: int, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise PracticalError(f"Enter the {label}.", field)
    if len(text) > limit:
        raise PracticalError(f"Keep the {label} under {limit} characters.", field)
    if kind := identifier_in(text):
        raise PracticalError(f"This looks like {kind}. Record no patient identifiers.", field)
    return text


def find_supervisor(email: str) -> User | None:
    email = (email or "").strip().lower()
    return db.session.scalar(select(User).where(User.email == email)) if email else None


def log_session(*, trainee, course, treated_on: date, setting: str, region: str, supervisor_email: str
                ) -> SupervisedSession:
    """A trainee's log of one supervised treatment, waiting for the supervisor (flushes)."""
    if find_enrolment(trainee.id, course.id) is None:
        raise PracticalError(f"You are not enrolled in {course.title}.", status=403)
    if treated_on > utcnow().date() + timedelta(days=1):
        raise PracticalError("The treatment date cannot be in the future.", "treated_on")
    if treated_on.year < 2000:
        raise PracticalError("Enter the date of the treatment.", "treated_on")
    setting = _clean(setting, "setting", 120, "setting")
    region = _clean(region, "region", 200, "region or muscles treated")
    supervisor = find_supervisor(supervisor_email)
    if supervisor is not None and supervisor.id == trainee.id:
        raise PracticalError("You cannot supervise your own treatment; name your supervisor.", "supervisor_email")
    if supervisor is None or not supervisor.active or not supervisor.has_role("instructor", "admin"):
        # the same words whether or not the address exists elsewhere: no account enumeration
        raise PracticalError("Name a supervisor who has an instructor account on this platform.",
                             "supervisor_email")
    log = SupervisedSession(trainee_id=trainee.id, course_id=course.id, supervisor_id=supervisor.id,
                            treated_on=treated_on, setting=setting, region=region)
    db.session.add(log)
    db.session.flush()
    record_event("supervised.logged", f"supervised:{log.id}",
                 {"trainee_id": trainee.id, "course": course.code, "supervisor_id": supervisor.id,
                  "treated_on": treated_on.isoformat(), "setting": setting, "region": region}, actor=trainee)
    return log


def decide(log_id: int, *, actor, countersign: bool, note: str = "") -> SupervisedSession:
    """The named supervisor countersigns or rejects a pending log, once (row-locked; flushes)."""
    log = db.session.scalar(
        select(SupervisedSession).where(SupervisedSession.id == log_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if log is None:
        raise PracticalError("No such supervised session.", status=404)
    if log.supervisor_id != actor.id:
        raise PracticalError("Only the named supervisor can countersign this session.", status=403)
    if log.trainee_id == actor.id:
        raise PracticalError("You cannot countersign your own log.", status=403)
    if log.status != LogStatus.PENDING.value:
        raise PracticalError("This session was already decided.", status=409)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise PracticalError(f"Keep the note under {MAX_NOTE} characters.", "note")
    if not countersign and not note:
        raise PracticalError("Say why the log is rejected, so the trainee can correct it.", "note")
    log.status = (LogStatus.COUNTERSIGNED if countersign else LogStatus.REJECTED).value
    log.decided_at, log.decision_note = utcnow(), note
    db.session.flush()
    record_event(f"supervised.{log.status}", f"supervised:{log.id}",
                 {"trainee_id": log.trainee_id, "course_id": log.course_id, "note": note}, actor=actor)
    tell_decided(log)
    supervised_decided.send(log)
    practical_changed.send(None, user_id=log.trainee_id, course_id=log.course_id)
    return log


def countersigned_counts(course_id: int, user_ids: Sequence[int]) -> dict[int, int]:
    """{user id: countersigned sessions} in the course, in one query."""
    counts = {uid: 0 for uid in user_ids}
    if user_ids:
        rows = db.session.execute(
            select(SupervisedSession.trainee_id, func.count())
            .where(SupervisedSession.course_id == course_id, SupervisedSession.trainee_id.in_(list(user_ids)),
                   SupervisedSession.status == LogStatus.COUNTERSIGNED.value)
            .group_by(SupervisedSession.trainee_id)
        )
        counts.update(dict(rows.all()))
    return counts


def countersigned_by_course(course_ids: Sequence[int], user_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """{course id: {user id: countersigned sessions}} for several courses, in one query."""
    counts: dict[int, dict[int, int]] = {c: {} for c in course_ids}
    if course_ids and user_ids:
        for course_id, trainee_id, n in db.session.execute(
            select(SupervisedSession.course_id, SupervisedSession.trainee_id, func.count())
            .where(SupervisedSession.course_id.in_(list(course_ids)),
                   SupervisedSession.trainee_id.in_(list(user_ids)),
                   SupervisedSession.status == LogStatus.COUNTERSIGNED.value)
            .group_by(SupervisedSession.course_id, SupervisedSession.trainee_id)
        ):
            counts[course_id][trainee_id] = n
    return counts


def logs_of(trainee_id: int, course_ids: Sequence[int] | None = None) -> list[SupervisedSession]:
    stmt = (select(SupervisedSession).where(SupervisedSession.trainee_id == trainee_id)
            .options(joinedload(SupervisedSession.supervisor), joinedload(SupervisedSession.course))
            .order_by(SupervisedSession.treated_on.desc(), SupervisedSession.id.desc()))
    if course_ids is not None:
        stmt = stmt.where(SupervisedSession.course_id.in_(list(course_ids)))
    return list(db.session.scalars(stmt))


def awaiting(supervisor_id: int) -> list[SupervisedSession]:
    """Logs waiting for this supervisor's decision, oldest first."""
    return list(db.session.scalars(
        select(SupervisedSession)
        .where(SupervisedSession.supervisor_id == supervisor_id, SupervisedSession.status == LogStatus.PENDING.value)
        .options(joinedload(SupervisedSession.trainee), joinedload(SupervisedSession.course))
        .order_by(SupervisedSession.created_at, SupervisedSession.id)
    ))
