"""Automatic issuance: whichever event completes a course, exactly once, with frozen data."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from modules.models import Enrolment, Lesson
from quizzes.models import Attempt, Question, Response
from quizzes.regrade import regrade_question
from tests.factories import (
    add_attempt,
    certificates_of,
    complete_lessons,
    enrol,
    finish_online,
    lessons_of,
    make_course,
    pass_quizzes,
    quizzes_of,
    sign_off,
)
from training.audit.models import AuditEntry
from training.certificates import services
from training.certificates.documents import integrity
from training.certificates.models import Certificate
from training.certificates.snapshot import normalize_code
from training.extensions import db


def audit_actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_issued_by_the_last_lesson(trainee, instructor, course):
    pass_quizzes(trainee, course)
    sign_off(instructor, trainee, course)
    complete_lessons(trainee, course, lessons_of(course)[:-1])
    assert certificates_of(trainee) == []
    complete_lessons(trainee, course, lessons_of(course)[-1:])
    [certificate] = certificates_of(trainee)
    assert audit_actions("certificate.issued")[0].details["trigger"] == "lesson.completed"
    assert certificate.is_current and certificate.status == "valid"


def test_issued_by_the_last_quiz(trainee, instructor, course):
    complete_lessons(trainee, course)
    sign_off(instructor, trainee, course)
    pass_quizzes(trainee, course, quizzes_of(course)[:-1])
    assert certificates_of(trainee) == []
    add_attempt(trainee, quizzes_of(course)[-1], passed=True)
    assert len(certificates_of(trainee)) == 1
    assert audit_actions("certificate.issued")[0].details["trigger"] == "quiz.passed"


def test_issued_by_the_practical(trainee, instructor, course):
    finish_online(trainee, course)
    assert certificates_of(trainee) == []
    sign_off(instructor, trainee, course)
    assert len(certificates_of(trainee)) == 1
    entry = audit_actions("certificate.issued")[0]
    assert entry.details["trigger"] == "practical.changed"


def test_issued_by_a_regrade_that_turns_a_fail_into_a_pass(trainee, instructor, course):
    complete_lessons(trainee, course)
    sign_off(instructor, trainee, course)
    quizzes = quizzes_of(course)
    pass_quizzes(trainee, course, quizzes[:-1])
    question = Question(
        module_id=quizzes[-1].module_id, qtype="truefalse", prompt="Needles are single use.",
        data={"choices": [{"id": 1, "text": "True", "fraction": 0.0, "feedback": ""},
                          {"id": 2, "text": "False", "fraction": 1.0, "feedback": ""}],
              "numeric": [], "pairs": []},
    )
    db.session.add(question)
    db.session.flush()
    attempt = add_attempt(trainee, quizzes[-1], passed=False, percent=0.0)
    db.session.add(Response(attempt_id=attempt.id, question_id=question.id, position=1,
                            answer={"choice": 1}, fraction=0.0, score=0.0, graded_version=1))
    db.session.commit()
    assert certificates_of(trainee) == []

    question.data = {**question.data, "choices": [
        {"id": 1, "text": "True", "fraction": 1.0, "feedback": ""},
        {"id": 2, "text": "False", "fraction": 0.0, "feedback": ""}]}
    question.version = 2
    regrade_question(question, instructor)
    db.session.commit()
    assert db.session.get(Attempt, attempt.id).passed is True
    assert len(certificates_of(trainee)) == 1
    assert audit_actions("certificate.issued")[0].details["trigger"] == "quiz.regraded"


def test_issued_exactly_once_however_many_events_follow(trainee, instructor, course):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    first = certificates_of(trainee)
    pass_quizzes(trainee, course)  # retakes passed again
    sign_off(instructor, trainee, course)
    assert services.issue_certificate_if_complete(trainee, course).id == first[0].id
    assert certificates_of(trainee) == first
    assert len(audit_actions("certificate.issued")) == 1


def test_a_unique_index_conflict_rolls_back_only_the_savepoint(trainee, instructor, course,
                                                             monkeypatch):
    """Two requests that both decided "complete": the loser's insert hits the unique index."""
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [winner] = certificates_of(trainee)
    real = services.current_certificate
    calls = []

    def stale_lookup(user_id, course_id):  # the loser's view before the winner committed
        calls.append(1)
        return None if len(calls) <= 2 else real(user_id, course_id)

    monkeypatch.setattr(services, "current_certificate", stale_lookup)
    trainee.license_state = "NM"  # the request's own work, which must survive
    result = services.issue_certificate_if_complete(trainee, course)
    db.session.commit()
    assert result.id == winner.id
    assert len(calls) == 3
    assert len(certificates_of(trainee)) == 1
    assert len(audit_actions("certificate.issued")) == 1
    db.session.refresh(trainee)
    assert trainee.license_state == "NM"


def test_the_certificate_freezes_everything_printed(trainee, instructor, course):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course, hours="27")
    [certificate] = certificates_of(trainee)
    snap = certificate.snapshot
    assert re.fullmatch(r"DN-\d{4}-\d{6}", certificate.serial)
    assert snap["serial"] == certificate.serial
    assert normalize_code(certificate.verification_code) == certificate.verification_code
    assert certificate.serial not in certificate.verification_code
    year = certificate.issued_at.year
    assert certificate.serial == f"DN-{year}-{certificate.id:06d}"
    assert {k: snap[k] for k in (
        "trainee_name", "trainee_first_name", "trainee_last_name", "profession",
        "license_number", "license_state", "course_code", "course_title", "provider",
        "approval_number", "online_hours", "practical_hours", "total_hours", "ceus", "supersedes",
    )} == {
        "trainee_name": "Dana Whitfield", "trainee_first_name": "Dana",
        "trainee_last_name": "Whitfield", "profession": "Physical therapist",
        "license_number": "PT-0458123", "license_state": "TX", "course_code": course.code,
        "course_title": course.title, "provider": "Northfield Institute of Manual Therapy",
        "approval_number": course.approval_number, "online_hours": "9.5",
        "practical_hours": "27", "total_hours": "36.5", "ceus": "3.6", "supersedes": "",
    }
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == trainee.id))
    assert snap["completion_date"] == enrolment.completed_at.date().isoformat()
    assert snap["issued_at"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert certificate.profession == "physical_therapist" and certificate.license_state == "TX"
    assert integrity(certificate).ok


def test_profile_and_course_edits_never_change_an_issued_certificate(trainee, instructor, course):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [certificate] = certificates_of(trainee)
    before = dict(certificate.snapshot)
    trainee.name, trainee.profession = "Dana Whitfield-Okafor", "chiropractor"
    trainee.license_number, trainee.license_state = "DC-1", "CA"
    course.title, course.provider, course.approval_number = "Renamed", "Other Inc", "X-1"
    course.contact_hours, course.practical_hours = Decimal(40), Decimal(50)
    db.session.commit()
    db.session.expire_all()
    certificate = certificates_of(trainee)[0]
    assert certificate.snapshot == before
    assert integrity(certificate).ok


@pytest.mark.parametrize(("course_hours", "signed_hours", "printed"), [
    ("27", "27", "27"),
    ("27", "30", "27"),   # never more than the course is approved for
    ("0", "12.5", "12.5"),  # the course states none: the attested hours
])
def test_practical_hours_come_from_the_passing_signoff(make_user, instructor, course_hours,
                                                       signed_hours, printed):
    course = make_course(practical_hours=course_hours, contact_hours="10")
    trainee = make_user("trainee")
    enrol(trainee, course)
    finish_online(trainee, course)
    sign_off(instructor, trainee, course, hours=signed_hours)
    snap = certificates_of(trainee)[0].snapshot
    assert snap["practical_hours"] == printed
    total = Decimal(10) + Decimal(printed)
    assert Decimal(snap["total_hours"]) == total
    assert Decimal(snap["ceus"]) == (total / 10).quantize(Decimal("0.1"), rounding="ROUND_DOWN")


def test_a_course_without_signoff_prints_no_practical_hours(make_user):
    course = make_course(requires_signoff=False, practical_hours="0", contact_hours="37")
    trainee = make_user("trainee")
    enrol(trainee, course)
    finish_online(trainee, course)
    snap = certificates_of(trainee)[0].snapshot
    assert (snap["online_hours"], snap["practical_hours"], snap["ceus"]) == ("37", "0", "3.7")


def test_no_certificate_without_enrolment(make_user):
    course = make_course(requires_signoff=False)
    outsider = make_user("trainee")
    finish_online(outsider, course)
    assert certificates_of(outsider) == []


def test_a_revoked_certificate_is_not_replaced_by_later_events(trainee, instructor, course,
                                                              make_user):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [certificate] = certificates_of(trainee)
    services.revoke(certificate, "Sign-off obtained by fraud", make_user("admin"))
    db.session.commit()
    sign_off(instructor, trainee, course)
    pass_quizzes(trainee, course)
    assert certificates_of(trainee) == [certificate]


def test_serials_are_unique_and_increasing(make_user, instructor):
    course = make_course(requires_signoff=False)
    serials = []
    for _ in range(3):
        trainee = make_user("trainee")
        enrol(trainee, course)
        finish_online(trainee, course)
        serials.append(certificates_of(trainee)[0].serial)
    assert serials == sorted(set(serials))
    codes = db.session.scalar(select(func.count(func.distinct(Certificate.verification_code))))
    assert codes == 3


def test_lesson_completed_signal_for_an_unrelated_lesson_is_harmless(trainee, course):
    other = make_course(requires_signoff=False)
    lesson = db.session.get(Lesson, lessons_of(other)[0].id)
    complete_lessons(trainee, other, [lesson])
    assert certificates_of(trainee) == []
