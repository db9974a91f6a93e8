"""Scheduling sessions: times in the venue's zone stored as UTC, and every bad input refused next to its field."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import enrolled_trainees, make_lab_course, make_workshop
from training.audit.models import AuditEntry
from training.extensions import db
from training.practical.models import Seat, Workshop
from training.practical.seats import register


def future(days: int, hour: int) -> datetime:
    return (datetime.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def form_data(instructor, **overrides) -> dict:
    start = future(20, 8)
    data = {
        "title": "Weekend lab A", "venue": "Northfield clinic", "address": "1 Main St, Austin TX",
        "timezone": "America/Chicago", "starts_local": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_local": (start + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "8", "ratio": "8", "instructor_ids": [str(instructor.id)],
    }
    data.update(overrides)
    return data


@pytest.fixture
def setup(app, make_user, login, client):
    course = make_lab_course()
    instructor = make_user("instructor")
    login(instructor)
    return course, instructor


def test_staff_schedule_a_session_in_venue_time_stored_as_utc(setup, client):
    course, instructor = setup
    start = future(20, 8)
    response = client.post(f"/practical/courses/{course.id}/workshops/new", data=form_data(instructor))
    assert response.status_code == 302
    workshop = db.session.scalar(select(Workshop))
    # 08:00 in Chicago is 13:00 or 14:00 UTC depending on daylight saving time
    assert workshop.starts_at - start in (timedelta(hours=5), timedelta(hours=6))
    assert [u.id for u in workshop.instructors] == [instructor.id]
    page = client.get(f"/practical/workshops/{workshop.id}").get_data(as_text=True)
    assert "08:00 C" in page  # shown back in venue time (CST or CDT)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "workshop.created")) == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"ends_local": future(20, 7).strftime("%Y-%m-%dT%H:%M")}, "ends_local", "The end must be after the start."),
    ({"starts_local": future(-2, 8).strftime("%Y-%m-%dT%H:%M"),
      "ends_local": future(-2, 17).strftime("%Y-%m-%dT%H:%M")}, "starts_local", "cannot start in the past"),
    ({"capacity": "20", "ratio": "8"}, "capacity", "at most 8 trainees"),
    ({"timezone": "Mars/Olympus"}, "timezone", "Not a valid choice"),
    ({"instructor_ids": []}, "instructor_ids", "at least one instructor"),
    ({"starts_local": "tomorrow"}, "starts_local", "valid start"),
])
def test_bad_sessions_are_refused_next_to_the_field(setup, client, overrides, field, message):
    course, instructor = setup
    response = client.post(f"/practical/courses/{course.id}/workshops/new", data=form_data(instructor, **overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(func.count()).select_from(Workshop)) == 0


def test_overlapping_session_at_the_same_venue_is_refused(setup, client):
    course, instructor = setup
    assert client.post(f"/practical/courses/{course.id}/workshops/new", data=form_data(instructor)).status_code == 302
    start = future(20, 12)
    response = client.post(f"/practical/courses/{course.id}/workshops/new", data=form_data(
        instructor, title="Overlap", starts_local=start.strftime("%Y-%m-%dT%H:%M"),
        ends_local=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 400
    assert "overlaps \u201cWeekend lab A\u201d" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Workshop)) == 1


def test_capacity_cannot_drop_below_confirmed_seats_and_raising_it_promotes(setup, client, make_user):
    course, instructor = setup
    workshop = make_workshop(course, [instructor], capacity=2, ratio=8)
    trainees = enrolled_trainees(make_user, course, 3)
    for t in trainees:
        register(t, workshop.id)
    db.session.commit()
    local = lambda dt: dt.strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    from training.practical.venue_time import to_local

    data = form_data(instructor, title=workshop.title, venue=workshop.venue,
                     starts_local=local(to_local(workshop.starts_at, workshop.timezone)),
                     ends_local=local(to_local(workshop.ends_at, workshop.timezone)), capacity="1")
    response = client.post(f"/practical/workshops/{workshop.id}/edit", data=data)
    assert response.status_code == 400
    assert "2 seats are already confirmed" in response.get_data(as_text=True)
    response = client.post(f"/practical/workshops/{workshop.id}/edit", data={**data, "capacity": "3"})
    assert response.status_code == 302
    db.session.expire_all()
    assert sorted(s.status for s in db.session.scalars(select(Seat))) == ["confirmed"] * 3


def test_only_the_sessions_instructors_or_admins_manage_it(app, make_user, login, client):
    course = make_lab_course()
    workshop = make_workshop(course, [make_user("instructor")])
    login(make_user("instructor"))
    assert client.get(f"/practical/workshops/{workshop.id}").status_code == 403
    assert client.post(f"/practical/workshops/{workshop.id}/edit", data={}).status_code == 403
    login(make_user("admin"))
    assert client.get(f"/practical/workshops/{workshop.id}").status_code == 200
