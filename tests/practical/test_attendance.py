"""Attendance on the roster becomes in-person hours; corrections keep the original with who, when and why."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import enrolled_trainees, make_lab_course, make_workshop
from training.audit.models import AuditEntry
from training.extensions import db
from training.practical.attendance import attended_minutes, session_days
from training.practical.models import AttendanceEntry
from training.practical.seats import register


@pytest.fixture
def running(app, make_user):
    """A two-day workshop in Chicago (08:00-17:00 venue time each day) with one confirmed trainee."""
    course = make_lab_course(practical_hours="16")
    instructor = make_user("instructor")
    workshop = make_workshop(course, [instructor], hours=33, capacity=2, ratio=8)
    trainee, outsider = enrolled_trainees(make_user, course, 2)
    register(trainee, workshop.id)
    db.session.commit()
    return course, instructor, workshop, trainee, outsider


def roster_url(workshop, day) -> str:
    return f"/practical/workshops/{workshop.id}/attendance/{day.isoformat()}"


def post(client, workshop, day, trainee, **fields):
    data = {"trainee_id": str(trainee.id)}
    data.update({f"a{trainee.id}-{k}": v for k, v in fields.items()})
    return client.post(roster_url(workshop, day), data=data)


def test_check_in_and_out_become_hours(running, login, client):
    course, instructor, workshop, trainee, _ = running
    first, second = session_days(workshop)
    login(instructor)
    page = client.get(roster_url(workshop, first))
    assert page.status_code == 200 and trainee.name in page.get_data(as_text=True)
    assert post(client, workshop, first, trainee, check_in="08:05").status_code == 302
    assert attended_minutes(course.id, [trainee.id]) == {trainee.id: 0}
    # adding the check-out to an open entry is not a correction: no reason needed
    assert post(client, workshop, first, trainee, check_in="08:05", check_out="16:35").status_code == 302
    assert post(client, workshop, second, trainee, check_in="08:00", check_out="16:00").status_code == 302
    assert attended_minutes(course.id, [trainee.id]) == {trainee.id: 510 + 480}
    entry = db.session.scalar(select(AttendanceEntry).where(AttendanceEntry.replaced.is_(False),
                                                            AttendanceEntry.day == first))
    # stored in UTC: 08:05 in Chicago is 13:05 or 14:05 UTC
    assert entry.check_in_at.hour in (13, 14) and entry.check_in_at.minute == 5


def test_correction_needs_a_reason_and_keeps_the_original(running, login, client):
    course, instructor, workshop, trainee, _ = running
    day = session_days(workshop)[0]
    login(instructor)
    post(client, workshop, day, trainee, check_in="08:00", check_out="17:00")
    response = post(client, workshop, day, trainee, check_in="09:30", check_out="17:00")
    assert response.status_code == 400
    assert f'id="a{trainee.id}-reason-error"' in response.get_data(as_text=True)
    response = post(client, workshop, day, trainee, check_in="09:30", check_out="17:00", reason="Arrived late")
    assert response.status_code == 302
    entries = db.session.scalars(select(AttendanceEntry).order_by(AttendanceEntry.id)).all()
    assert len(entries) == 2
    original, correction = entries
    assert original.replaced and original.minutes == 540 and original.check_in_at < correction.check_in_at
    assert correction.replaces_id == original.id and correction.reason == "Arrived late"
    assert correction.recorded_by_id == instructor.id
    assert attended_minutes(course.id, [trainee.id])[trainee.id] == 450
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "attendance.corrected"))
    assert audit.details["before"]["minutes"] == 540 and audit.details["reason"] == "Arrived late"
    assert audit.actor_id == instructor.id


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"check_in": "10:00", "check_out": "09:00"}, "check_out", "Check-out must be after check-in."),
    ({"check_out": "09:00"}, "check_in", "Enter the check-in time."),
    ({"check_in": "04:00"}, "check_in", "outside the session"),
    ({"check_in": "nine"}, "check_in", "Not a valid time value."),
])
def test_bad_times_are_refused_next_to_the_field(running, login, client, fields, field, message):
    _, instructor, workshop, trainee, _ = running
    login(instructor)
    response = post(client, workshop, session_days(workshop)[0], trainee, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="a{trainee.id}-{field}-error"' in page and message in page
    assert db.session.scalar(select(AttendanceEntry)) is None


def test_someone_not_registered_cannot_be_checked_in(running, login, client):
    _, instructor, workshop, _, outsider = running
    login(instructor)
    response = post(client, workshop, session_days(workshop)[0], outsider, check_in="08:00")
    assert response.status_code == 409
    assert "not registered for this session" in response.get_data(as_text=True)
    assert db.session.scalar(select(AttendanceEntry)) is None


def test_only_the_sessions_instructors_take_attendance(running, make_user, login, client):
    _, _, workshop, trainee, _ = running
    login(make_user("instructor"))
    assert post(client, workshop, session_days(workshop)[0], trainee, check_in="08:00").status_code == 403
    login(trainee)
    assert client.get(roster_url(workshop, session_days(workshop)[0])).status_code == 403


def test_roster_queries_do_not_grow_with_trainees(app, make_user, login, client, count_queries):
    course = make_lab_course()
    instructor = make_user("instructor")
    workshop = make_workshop(course, [instructor], capacity=20, ratio=20)
    day = session_days(workshop)[0]
    login(instructor)

    def statements(n):
        for t in enrolled_trainees(make_user, course, n):
            register(t, workshop.id)
        db.session.commit()
        with count_queries() as seen:
            assert client.get(roster_url(workshop, day)).status_code == 200
        return len(seen)

    assert statements(2) == statements(8)


def test_a_phone_sees_one_column_roster(running, login, client):
    _, instructor, workshop, _, _ = running
    login(instructor)
    page = client.get(roster_url(workshop, session_days(workshop)[0])).get_data(as_text=True)
    assert 'class="col-6 col-md-3"' in page and 'type="time"' in page
    unused = datetime.now() + timedelta(days=1)
    assert client.get(f"/practical/workshops/{workshop.id}/attendance/{unused.date().isoformat()}").status_code == 404
