"""Issues a certificate whenever an event may have completed a course.

The lower layers announce what happened (a lesson completed, an attempt graded, a question
regraded, attendance, an assessment or a countersignature recorded); these receivers run
inside the sender's transaction and only flush, so the certificate commits (or rolls back)
together with the event that earned it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from modules.models import Course, Lesson, Module
from modules.signals import lesson_completed
from quizzes.models import Attempt, Quiz
from quizzes.signals import attempt_graded, question_regraded
from training.auth.models import User
from training.certificates.notify import on_certificate_issued
from training.certificates.recertification import renew_where_due, renewal_paths
from training.certificates.reminders import queue_expiry_reminders
from training.certificates.services import issue_certificate_if_complete
from training.certificates.signals import certificate_issued
from training.extensions import db
from training.notifications.jobs import register_periodic_job
from training.practical.signals import practical_changed


def connect_events(app: Flask) -> None:
    """Subscribe to the lower layers' signals (module-level receivers: a second call is a no-op)."""
    lesson_completed.connect(on_lesson_completed)
    attempt_graded.connect(on_attempt_graded)
    question_regraded.connect(on_question_regraded)
    practical_changed.connect(on_practical_changed)
    certificate_issued.connect(on_certificate_issued)
    certificate_issued.connect(on_certificate_issued_renew)
    register_periodic_job(app, "certificate-expiry-reminders", _send_reminders, every=timedelta(hours=1))
    app.add_template_global(renewal_paths, "certificate_renewal_paths")


def on_certificate_issued_renew(certificate, **_extra) -> None:
    """A completed refresher or CE course may renew another certificate of the holder."""
    renew_where_due(certificate.user)


def _send_reminders() -> None:
    queue_expiry_reminders()
    db.session.commit()


def check_completion(user_id: int, course_id: int, trigger: str) -> None:
    """Issue if complete. A lock conflict the database broke (a deadlock between two events of
    the same trainee) must not undo the event itself: only the check's savepoint is rolled
    back, and ``flask certificates issue-pending`` catches the certificate up later."""
    user = db.session.get(User, user_id)
    # the completion rules walk every module and lesson: load them with the course, not one by one
    course = db.session.get(
        Course, course_id, options=[selectinload(Course.modules).selectinload(Module.lessons)]
    )
    if user is None or course is None:
        return
    try:
        with db.session.begin_nested():
            issue_certificate_if_complete(user, course, trigger=trigger)
    except OperationalError:
        current_app.logger.exception(
            "certificate check for user %s, course %s failed; run issue-pending", user_id, course_id
        )


def _course_of_module(module_id: int) -> int | None:
    module = db.session.get(Module, module_id)
    return module.course_id if module is not None else None


def on_lesson_completed(lesson: Lesson, user=None, **_extra) -> None:
    if user is not None and (course_id := _course_of_module(lesson.module_id)) is not None:
        check_completion(user.id, course_id, "lesson.completed")


def on_attempt_graded(attempt: Attempt, **_extra) -> None:
    if not attempt.passed:
        return
    quiz = attempt.quiz or db.session.get(Quiz, attempt.quiz_id)
    if (course_id := quiz.course_id or _course_of_module(quiz.module_id)) is not None:
        check_completion(attempt.user_id, course_id, "quiz.passed")


def on_question_regraded(question, regrade=None, attempts=(), **_extra) -> None:
    """A fix that turned a fail into a pass may complete some trainees' courses."""
    changes = getattr(regrade, "changes", None) or []
    newly_passed = {c["attempt_id"] for c in changes if c.get("passed") and not c.get("old_passed")}
    if not newly_passed:
        return
    by_id = {a.id: a for a in attempts}
    pairs = set()
    for attempt_id in sorted(newly_passed):
        attempt = by_id.get(attempt_id) or db.session.get(Attempt, attempt_id)
        if attempt is not None and (course_id := attempt.quiz.course_id or _course_of_module(attempt.quiz.module_id)):
            pairs.add((attempt.user_id, course_id))
    for user_id, course_id in sorted(pairs):
        check_completion(user_id, course_id, "quiz.regraded")


def on_practical_changed(_sender, user_id: int, course_id: int, **_extra) -> None:
    """Attendance, an assessment or a countersignature may have completed the practical."""
    check_completion(user_id, course_id, "practical.changed")
