"""Time on task: heartbeats credit at most wall-clock time, and the seat-time rule."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from modules import seat_time
from modules.models import ActivityClock, Enrolment, LessonCompletion, LessonTime
from tests.factories import build_course, lessons_in
from training.audit.models import AuditEntry
from training.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def clock(monkeypatch):
    """The server's clock, moved by hand."""
    now = {"value": T0}
    monkeypatch.setattr(seat_time, "utcnow", lambda: now["value"])

    def at(seconds: float) -> None:
        now["value"] = T0 + timedelta(seconds=seconds)

    return at


def enrolled(user, course) -> None:
    db.session.add(Enrolment(user_id=user.id, course_id=course.id))
    db.session.commit()


def beat_url(course, lesson) -> str:
    return f"/courses/{course.slug}/lessons/{lesson.id}/time"


def active_seconds(user_id: int, lesson_id: int) -> int:
    db.session.expire_all()
    row = db.session.scalar(select(LessonTime).where(LessonTime.user_id == user_id,
                                                     LessonTime.lesson_id == lesson_id))
    return row.active_seconds if row else 0


def test_two_tabs_on_the_same_lesson_accrue_wall_clock_time_once(app, login, trainee, clock):
    course = build_course((2,), seat_time_percent=50)
    lesson = lessons_in(course.id)[0]
    enrolled(trainee, course)
    tab_a, tab_b = app.test_client(), app.test_client()
    login(trainee, on=tab_a)
    login(trainee, on=tab_b)
    url = beat_url(course, lesson)
    clock(0)
    assert tab_a.post(url, json={"seconds": 0}).status_code == 200
    clock(5)
    assert tab_b.post(url, json={"seconds": 0}).status_code == 200  # opening does not reset
    clock(15)
    assert tab_a.post(url, json={"seconds": 15}).get_json()["active_seconds"] == 15
    clock(20)
    assert tab_b.post(url, json={"seconds": 15}).get_json()["active_seconds"] == 20
    clock(30)
    reply = tab_a.post(url, data={"seconds": "15"}).get_json()  # the beacon's form body
    assert reply["active_seconds"] == 30  # 30 s of wall clock, whatever the tabs claimed
    row = db.session.scalar(select(LessonTime))
    assert (row.first_opened_at, row.last_active_at) == (T0, T0 + timedelta(seconds=30))


def test_time_across_lessons_is_bounded_by_the_same_clock(client, login, trainee, clock):
    course = build_course((2,))
    first, second = lessons_in(course.id)
    enrolled(trainee, course)
    login(trainee)
    clock(0)
    client.post(beat_url(course, first), json={"seconds": 0})
    clock(10)
    client.post(beat_url(course, first), json={"seconds": 10})
    clock(16)
    client.post(beat_url(course, second), json={"seconds": 15})
    assert (active_seconds(trainee.id, first.id), active_seconds(trainee.id, second.id)) == (10, 6)


def test_a_forged_heartbeat_of_10000_seconds_accrues_nothing(client, login, trainee, clock):
    course = build_course((1,))
    lesson = lessons_in(course.id)[0]
    enrolled(trainee, course)
    login(trainee)
    clock(0)
    client.post(beat_url(course, lesson), json={"seconds": 0})
    clock(20)
    response = client.post(beat_url(course, lesson), json={"seconds": 10_000})
    assert response.status_code == 422
    assert response.get_json()["recorded"] is False
    assert active_seconds(trainee.id, lesson.id) == 0
    clock(25)
    # the refused beat did not move the clock: the next one is bounded by 25 s, not 5
    assert client.post(beat_url(course, lesson), json={"seconds": 60}).get_json()[
        "active_seconds"] == 25


@pytest.mark.parametrize("body, status", [
    ({"seconds": -5}, 422),
    ({"seconds": 61}, 422),
    ({"seconds": "ten"}, 400),
    ({"seconds": 1.5}, 400),
    ({"seconds": True}, 400),
    ({}, 400),
    (["seconds", 5], 400),
])
def test_bad_heartbeats_change_nothing(client, login, trainee, clock, body, status):
    course = build_course((1,))
    lesson = lessons_in(course.id)[0]
    enrolled(trainee, course)
    login(trainee)
    clock(0)
    client.post(beat_url(course, lesson), json={"seconds": 0})
    clock(30)
    response = client.post(beat_url(course, lesson), json=body)
    assert response.status_code == status and "error" in response.get_json()
    assert active_seconds(trainee.id, lesson.id) == 0


def test_a_negative_beacon_in_a_form_body_is_refused(client, login, trainee, clock):
    course = build_course((1,))
    lesson = lessons_in(course.id)[0]
    enrolled(trainee, course)
    login(trainee)
    clock(0)
    client.post(beat_url(course, lesson), data={"seconds": "0"})
    clock(30)
    assert client.post(beat_url(course, lesson), data={"seconds": "-30"}).status_code == 422
    assert client.post(beat_url(course, lesson), data={"seconds": "9" * 12}).status_code == 400
    assert active_seconds(trainee.id, lesson.id) == 0


def test_too_frequent_heartbeats_are_refused(client, login, trainee, clock):
    course = build_course((1,))
    lesson = lessons_in(course.id)[0]
    enrolled(trainee, course)
    login(trainee)
    clock(0)
    client.post(beat_url(course, lesson), json={"seconds": 0})
    clock(10)
    client.post(beat_url(course, lesson), json={"seconds": 10})
    clock(11)
    response = client.post(beat_url(course, lesson), json={"seconds": 1})
    assert response.status_code == 429
    assert active_seconds(trainee.id, lesson.id) == 10


def test_heartbeats_for_locked_foreign_or_unknown_lessons_are_refused(client, login, trainee,
                                                                     make_user, clock):
    course, other = build_course((1, 1)), build_course((1,))
    _first, locked = lessons_in(course.id)
    foreign = lessons_in(other.id)[0]
    enrolled(trainee, course)
    login(trainee)
    clock(0)
    assert client.post(beat_url(course, locked), json={"seconds": 0}).status_code == 403
    assert client.post(beat_url(course, foreign), json={"seconds": 0}).status_code == 404
    assert client.post(beat_url(other, foreign), json={"seconds": 0}).status_code == 403
    assert client.post(f"/courses/{course.slug}/lessons/999999/time",
                       json={"seconds": 0}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LessonTime)) == 0
    assert db.session.scalar(select(func.count()).select_from(ActivityClock)) == 0


def test_a_heartbeat_needs_the_csrf_token(csrf_app, login, make_user):
    course = build_course((1,))
    lesson = lessons_in(course.id)[0]
    trainee = make_user("trainee")
    enrolled(trainee, course)
    client = csrf_app.test_client()
    login(trainee, on=client)
    assert client.post(beat_url(course, lesson), data={"seconds": "0"}).status_code == 400
    page = client.get(f"/courses/{course.slug}/lessons/{lesson.id}").get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    response = client.post(beat_url(course, lesson), data={"seconds": "0", "csrf_token": token})
    assert response.status_code == 200


def test_completion_waits_for_the_seat_time_rule(client, login, trainee, clock):
    course = build_course((2,), minutes=16, seat_time_percent=50)  # 8 minutes = 480 s
    lesson = lessons_in(course.id)[0]
    enrolled(trainee, course)
    login(trainee)
    page = client.get(f"/courses/{course.slug}/lessons/{lesson.id}").get_data(as_text=True)
    assert "about 8 more minutes" in page
    assert re.search(r'id="complete-lesson" disabled', page)
    assert "at least 50% of its stated minutes" in client.get(
        f"/courses/{course.slug}").get_data(as_text=True)

    clock(0)
    client.post(beat_url(course, lesson), json={"seconds": 0})
    for second in range(60, 421, 60):
        clock(second)
        client.post(beat_url(course, lesson), json={"seconds": 60})
    assert active_seconds(trainee.id, lesson.id) == 420
    response = client.post(f"/courses/{course.slug}/lessons/{lesson.id}/complete")
    assert response.status_code == 409
    assert "Spend about 1 more minute on this lesson" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 0

    clock(480)
    assert client.post(beat_url(course, lesson), json={"seconds": 60}).get_json()["met"] is True
    response = client.post(f"/courses/{course.slug}/lessons/{lesson.id}/complete")
    assert response.status_code == 302
    completion = db.session.scalar(select(LessonCompletion))
    assert completion.before_time_measured is False


def test_instructors_set_the_rule_in_the_course_form(client, login, instructor):
    course = build_course((1,))
    login(instructor)
    page = client.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert 'name="seat_time_percent"' in page
    form = {"code": course.code, "slug": course.slug, "title": course.title,
            "provider": "Test Institute", "practical_hours": "0", "seat_time_percent": "150"}
    response = client.post(f"/author/courses/{course.id}", data=form)
    assert response.status_code == 400
    assert "Enter a percentage from 0 to 100." in response.get_data(as_text=True)
    response = client.post(f"/author/courses/{course.id}", data={**form, "seat_time_percent": "75"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(course), course.id).seat_time_percent == 75
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "course.settings_changed")).all()
    assert entry.details["code"] == course.code
    assert entry.details["changes"]["seat_time_percent"] == {"old": 0, "new": 75}
    assert entry.actor == instructor.email
