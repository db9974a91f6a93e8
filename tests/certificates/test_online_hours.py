"""Credited online hours rest on measured time; the measured time is frozen on the certificate."""

from __future__ import annotations

from datetime import datetime, timedelta

from modules.models import LessonCompletion
from modules.seat_time import record_heartbeat
from tests.factories import (
    certificates_of,
    complete_lessons,
    enrol,
    lessons_of,
    make_course,
    pass_quizzes,
)
from training.certificates import services
from training.certificates.documents import integrity
from training.certificates.signing import sign
from training.certificates.snapshot import CertificateSnapshot, canonical_json
from training.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, 0)


def read_for(user, lesson, seconds: int, start: datetime) -> datetime:
    """Heartbeats as the lesson page sends them, one a minute; returns the time after."""
    record_heartbeat(user.id, lesson, 0, now=start)
    moment = start
    for _ in range(0, seconds, 60):
        moment += timedelta(seconds=60)
        record_heartbeat(user.id, lesson, 60, now=moment)
    db.session.commit()
    return moment + timedelta(seconds=120)


def test_hours_are_the_stated_hours_when_every_lesson_met_the_rule(make_user):
    # 4 lessons x 30 min: 2.0 stated hours; the rule asks 50% = 15 min each
    course = make_course(requires_signoff=False, contact_hours="2", seat_time_percent=50)
    trainee = make_user("trainee")
    enrol(trainee, course)
    moment = T0
    for lesson in lessons_of(course):
        moment = read_for(trainee, lesson, 16 * 60, moment)
    complete_lessons(trainee, course)
    pass_quizzes(trainee, course)
    [certificate] = certificates_of(trainee)
    snapshot = certificate.snapshot
    assert snapshot["online_hours"] == "2"
    assert snapshot["online_active_hours"] == "1.06"  # 64 minutes, hundredths down
    assert snapshot["seat_time_lessons_met"] == "4/4"
    assert integrity(certificate).ok


def test_completions_from_before_time_was_measured_are_not_credited(make_user):
    course = make_course(requires_signoff=False, contact_hours="2", seat_time_percent=50)
    trainee = make_user("trainee")
    enrol(trainee, course)
    lessons = lessons_of(course)
    # two lessons completed before measurement (as the migration flags them)
    db.session.add_all(LessonCompletion(user_id=trainee.id, lesson_id=lesson.id,
                                        before_time_measured=True) for lesson in lessons[:2])
    db.session.commit()
    moment = T0
    for lesson in lessons[2:]:
        moment = read_for(trainee, lesson, 15 * 60, moment)
    complete_lessons(trainee, course, lessons[2:])
    pass_quizzes(trainee, course)
    [certificate] = certificates_of(trainee)
    assert certificate.snapshot["online_hours"] == "1"  # the two measured lessons: 60 min
    assert certificate.snapshot["seat_time_lessons_met"] == "2/4"
    assert certificate.snapshot["online_active_hours"] == "0.50"
    assert integrity(certificate).ok


def test_a_certificate_issued_before_measurement_still_verifies_unchanged(certificate):
    """Older snapshots have no measured-time fields; their signed bytes must not change."""
    old = {k: v for k, v in certificate.snapshot.items()
           if k not in ("online_active_hours", "seat_time_lessons_met")}
    frozen = CertificateSnapshot.from_dict(old)
    assert canonical_json(frozen) == canonical_json(CertificateSnapshot(**old))
    assert "online_active_hours" not in frozen.to_dict()
    certificate.snapshot = old
    certificate.signature = sign(services.signing_key().private, canonical_json(frozen))
    db.session.commit()
    assert integrity(certificate).ok
