"""Booking through the pages: seats, the waitlist, cancellation, transfer, prerequisites and the .ics file."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import select

from modules.services import complete_lesson
from tests.factories import enrol, enrolled_trainees, make_lab_course, make_workshop
from training.audit.models import AuditEntry
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.practical.models import Seat
from training.practical.seats import register


@pytest.fixture
def lab(app, make_user):
    course = make_lab_course()
    instructor = make_user("instructor")
    workshop = make_workshop(course, [instructor], capacity=2, ratio=8, tz="Europe/Berlin")
    return course, instructor, workshop


def seat_of(user, workshop) -> Seat:
    db.session.expire_all()
    return db.session.scalar(select(Seat).where(Seat.user_id == user.id, Seat.workshop_id == workshop.id))


def actions(name: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == name).order_by(AuditEntry.seq)))


def test_register_waitlist_cancel_promotes_first_waiting(lab, make_user, login, app):
    course, _, workshop = lab
    a, b, c, d = enrolled_trainees(make_user, course, 4)
    clients = {t.id: login(t, on=app.test_client()) for t in (a, b, c, d)}
    for t in (a, b, c, d):
        assert clients[t.id].post(f"/practical/workshops/{workshop.id}/register").status_code == 302
    assert [seat_of(t, workshop).status for t in (a, b, c, d)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    page = clients[d.id].get(f"/practical/courses/{course.id}/sessions").get_data(as_text=True)
    assert "Waitlist: number 2" in page

    again = clients[a.id].post(f"/practical/workshops/{workshop.id}/register")
    assert again.status_code == 409 and "already have a seat" in again.get_data(as_text=True)

    assert clients[b.id].post(f"/practical/seats/{seat_of(b, workshop).id}/cancel").status_code == 302
    assert seat_of(c, workshop).status == "confirmed" and seat_of(c, workshop).promoted_at is not None
    assert seat_of(d, workshop).status == "waitlisted"
    page = clients[c.id].get(f"/practical/courses/{course.id}/sessions").get_data(as_text=True)
    assert "moved from the waitlist to a confirmed seat" in page
    dashboard = clients[c.id].get("/dashboard").get_data(as_text=True)
    assert "you moved from the waitlist to a confirmed seat" in dashboard and workshop.title in dashboard
    assert [e.details["trainee_id"] for e in actions("workshop.promoted")] == [c.id]
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "waitlist_promotion")).all()
    assert mail.to_email == c.email and workshop.title in mail.subject
    assert f"/practical/seats/{seat_of(c, workshop).id}/calendar.ics" in mail.text_body
    assert len(actions("workshop.registered")) == 4 and len(actions("workshop.cancelled")) == 1
    # cancelling twice is refused; someone else's booking is not found
    assert clients[b.id].post(f"/practical/seats/{seat_of(b, workshop).id}/cancel").status_code == 409
    assert clients[b.id].post(f"/practical/seats/{seat_of(d, workshop).id}/cancel").status_code == 404


def test_not_enrolled_cannot_register(lab, make_user, login, client):
    _, _, workshop = lab
    login(make_user("trainee"))
    response = client.post(f"/practical/workshops/{workshop.id}/register")
    assert response.status_code == 403 and "Enrol in" in response.get_data(as_text=True)
    assert db.session.scalar(select(Seat)) is None


def test_prerequisites_checked_at_registration_and_at_promotion(app, make_user, login):
    course = make_lab_course(modules=1)
    module = course.modules[0]
    workshop = make_workshop(course, [make_user("instructor")], capacity=1, required_module_ids=[module.id])
    first, lagging, ready = enrolled_trainees(make_user, course, 3)
    client = login(lagging, on=app.test_client())
    response = client.post(f"/practical/workshops/{workshop.id}/register")
    assert response.status_code == 409 and "Module 1: Module 1 topic" in response.get_data(as_text=True)

    def pass_module(user):
        from quizzes.models import Attempt, Quiz
        complete_lesson(user, module.lessons[0])
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        db.session.add(Attempt(quiz_id=quiz.id, user_id=user.id, number=1, layout=[], submitted_by="trainee",
                               submitted_at=db.func.now(), percent=90.0, passed=True, score=1, max_score=1))
        db.session.commit()

    from training.practical.seats import cancel
    for user in (first, lagging, ready):
        pass_module(user)
    register(first, workshop.id)
    register(lagging, workshop.id)
    register(ready, workshop.id)
    db.session.commit()
    # the lagging trainee's quiz pass is withdrawn (a regrade): they no longer meet the rule when a seat frees
    from quizzes.models import Attempt
    db.session.scalar(select(Attempt).where(Attempt.user_id == lagging.id)).passed = False
    db.session.commit()
    cancel(seat_of(first, workshop).id, first)
    db.session.commit()
    assert seat_of(lagging, workshop).status == "waitlisted"
    assert seat_of(ready, workshop).status == "confirmed"


def test_transfer_to_another_session_of_the_course(lab, make_user, login, client):
    course, instructor, workshop = lab
    other = make_workshop(course, [instructor], capacity=1, days_ahead=40, tz="Europe/Berlin")
    trainee, waiting = enrolled_trainees(make_user, course, 2)
    login(trainee)
    client.post(f"/practical/workshops/{workshop.id}/register")
    seat = seat_of(trainee, workshop)
    response = client.post(f"/practical/seats/{seat.id}/transfer", data={f"t{seat.id}-target": str(other.id)})
    assert response.status_code == 302
    assert seat_of(trainee, workshop).status == "cancelled"
    assert seat_of(trainee, other).status == "confirmed"
    assert actions("workshop.transferred")[0].details["to_workshop_id"] == other.id
    # a session of another course is refused next to the choice
    foreign = make_workshop(make_lab_course(), [instructor], days_ahead=60)
    seat = seat_of(trainee, other)
    response = client.post(f"/practical/seats/{seat.id}/transfer", data={f"t{seat.id}-target": str(foreign.id)})
    assert response.status_code == 400
    assert seat_of(trainee, other).status == "confirmed"


def test_calendar_file_is_valid_icalendar_in_venue_time(lab, make_user, login, client):
    course, _, workshop = lab
    trainee = make_user("trainee")
    enrol(trainee, course)
    login(trainee)
    client.post(f"/practical/workshops/{workshop.id}/register")
    seat = seat_of(trainee, workshop)
    response = client.get(f"/practical/seats/{seat.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["DTSTART"].dt.tzinfo) == "Europe/Berlin"
    assert event["DTSTART"].dt.hour == 8
    assert event["STATUS"] == "CONFIRMED"
    assert workshop.venue in str(event["LOCATION"])
    assert calendar.walk("VTIMEZONE")
    other = make_user("trainee")
    login(other)
    assert client.get(f"/practical/seats/{seat.id}/calendar.ics").status_code == 404


def test_state_changes_need_the_csrf_token(csrf_app, lab, make_user, login, client):
    course, _, workshop = lab
    trainee = make_user("trainee")
    enrol(trainee, course)
    login(trainee)
    assert client.post(f"/practical/workshops/{workshop.id}/register").status_code == 400
    assert db.session.scalar(select(Seat)) is None


def test_sessions_page_queries_do_not_grow_with_sessions_or_bookings(app, make_user, login, client, count_queries):
    course = make_lab_course(modules=2)
    instructor = make_user("instructor")
    trainee, other = enrolled_trainees(make_user, course, 2)
    login(trainee)

    def statements(n):
        for i in range(n):
            workshop = make_workshop(course, [instructor], capacity=1, days_ahead=10 + 2 * i + 40 * n,
                                     required_module_ids=[] if i % 2 else [course.modules[0].id])
            if i % 2:
                register(other, workshop.id)
                register(trainee, workshop.id)  # waitlisted behind the other trainee
            db.session.commit()
        with count_queries() as seen:
            assert client.get(f"/practical/courses/{course.id}/sessions").status_code == 200
        return len(seen)

    assert statements(2) == statements(5)
