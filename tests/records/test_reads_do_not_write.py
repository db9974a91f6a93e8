"""Reads do not write: every GET page, as every role, with an expired open attempt on file.

Opening a page never submits an attempt or issues a certificate. The expired attempt is
shown as closed; the next POST, or ``flask quizzes close-expired`` (the periodic job),
closes it, and only then does the certificate follow.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import event, func, select

from quizzes.attempts import save_answers, start_attempt
from quizzes.models import Attempt, Question
from quizzes.questions import import_gift
from tests.factories import certificates_of, complete_lessons, enrol, make_course, quizzes_of
from tests.quizzes.conftest import GIFT, full_marks_form
from training.audit.models import AuditEntry
from training.database import utcnow
from training.extensions import db as _db
from training.notifications.jobs import run_job, runner

ROLES = [None, "trainee", "instructor", "auditor", "admin"]
WRITES = ("INSERT", "UPDATE", "DELETE")
SKIP_ENDPOINTS = {"static", "bootstrap.static"}


@pytest.fixture
def expired_attempt(app, db, make_user):
    """A trainee whose only missing step is a full-marks attempt whose time ran out unsubmitted."""
    course = make_course(modules=1, lessons=1, requires_signoff=False)
    quiz = quizzes_of(course)[0]
    import_gift(quiz.module_id, GIFT)
    quiz.time_limit_minutes = 10
    trainee = make_user("trainee")
    enrol(trainee, course)
    complete_lessons(trainee, course)
    with app.test_request_context():
        attempt = start_attempt(quiz, trainee)
        db.session.flush()
        save_answers(attempt, full_marks_form(db, attempt))
    attempt.started_at = utcnow() - timedelta(hours=2)
    attempt.deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    return attempt


def url_values(db, attempt: Attempt, certificate) -> dict:
    quiz = attempt.quiz
    module = quiz.module
    course = module.course
    return {
        "quiz_id": quiz.id, "attempt_id": attempt.id, "module_id": module.id, "course_id": course.id,
        "lesson_id": module.lessons[0].id, "slug": course.slug, "user_id": attempt.user_id,
        "question_id": db.session.scalar(select(func.min(Question.id))), "qtype": "single", "number": 1,
        "certificate_id": certificate.id, "serial": certificate.serial, "code": certificate.verification_code,
    }


def get_urls(app, values: dict) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint not in SKIP_ENDPOINTS:
                # arguments naming objects this test does not build get an id that may not exist
                args = {arg: values.get(arg, "2026-01-05" if arg == "day" else 1) for arg in rule.arguments}
                urls.append(url_for(rule.endpoint, **args))
    return sorted(urls)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_no_get_route_writes(app, db, make_user, make_certificate, expired_attempt, role):
    certificate = make_certificate(make_user("trainee"), expired_attempt.quiz.module.course)
    urls = get_urls(app, url_values(db, expired_attempt, certificate))
    user = None
    if role == "trainee":
        user = expired_attempt.user
    elif role:
        user = make_user(role)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    writes: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(WRITES):
            writes.append(statement.split("\n")[0][:120])

    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    problems = []
    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        for url in urls:
            del writes[:]
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"GET {url}: {response.status_code}")
            if writes:
                problems.append(f"GET {url} wrote: {writes}")
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)
    assert problems == []
    db.session.expire_all()
    assert db.session.get(Attempt, expired_attempt.id).submitted_at is None
    assert certificates_of(expired_attempt.user) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_expired_attempt_is_shown_closed_and_closed_by_the_next_post(client, login, db, expired_attempt):
    trainee = expired_attempt.user
    login(trainee)
    taking = client.get(f"/quizzes/attempts/{expired_attempt.id}")
    assert taking.status_code == 302 and taking.headers["Location"].endswith("/result")
    page = client.get(f"/quizzes/attempts/{expired_attempt.id}/result").get_data(as_text=True)
    assert "Time ran out: this attempt is closed" in page
    quiz_page = client.get(f"/quizzes/{expired_attempt.quiz_id}").get_data(as_text=True)
    assert "closed: time ran out" in quiz_page and "Continue your attempt" not in quiz_page
    response = client.post(f"/quizzes/attempts/{expired_attempt.id}/submit")
    assert response.status_code == 303
    db.session.expire_all()
    closed = db.session.get(Attempt, expired_attempt.id)
    assert closed.submitted_by == "deadline" and closed.passed
    assert len(certificates_of(trainee)) == 1


def test_close_expired_command_closes_it_and_the_certificate_follows(app, db, expired_attempt):
    result = app.test_cli_runner().invoke(args=["quizzes", "close-expired"])
    assert result.exit_code == 0 and "Closed 1 expired attempts." in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, expired_attempt.id).submitted_by == "deadline"
    assert len(certificates_of(expired_attempt.user)) == 1
    again = app.test_cli_runner().invoke(args=["quizzes", "close-expired"])
    assert "Closed 0 expired attempts." in again.output


def test_the_periodic_job_closes_it_too(app, db, expired_attempt):
    job = runner(app).periodic["close-expired-attempts"]
    assert job.every == timedelta(minutes=1)
    run_job(job)
    db.session.rollback()  # what the runner did is committed, not only flushed
    assert db.session.get(Attempt, expired_attempt.id).submitted_by == "deadline"
    assert len(certificates_of(expired_attempt.user)) == 1
