"""Auditors see measured online active hours next to the credited online hours."""

from __future__ import annotations

import csv
import io
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
from training.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, 0)


def studied(user, course) -> None:
    """Each lesson read for 15 minutes as the lesson page reports it, then completed."""
    moment = T0
    for lesson in lessons_of(course):
        record_heartbeat(user.id, lesson, 0, now=moment)
        for _ in range(15):
            moment += timedelta(seconds=60)
            record_heartbeat(user.id, lesson, 60, now=moment)
        moment += timedelta(minutes=5)
    db.session.commit()
    complete_lessons(user, course)


def test_trainee_record_export_and_api_show_active_hours(client, login, auditor, make_user,
                                                         bearer):
    course = make_course(requires_signoff=False, contact_hours="2", seat_time_percent=50)
    trainee = make_user("trainee", name="Mara Lind")
    enrol(trainee, course)
    studied(trainee, course)
    pass_quizzes(trainee, course)
    [certificate] = certificates_of(trainee)
    # a second course whose lessons were completed before time was measured
    legacy = make_course(requires_signoff=False, contact_hours="2", seat_time_percent=50)
    enrol(trainee, legacy)
    db.session.add_all(LessonCompletion(user_id=trainee.id, lesson_id=lesson.id,
                                        before_time_measured=True)
                       for lesson in lessons_of(legacy))
    db.session.commit()

    login(auditor)
    html = client.get(f"/records/trainees/{trainee.id}").get_data(as_text=True)
    assert "Online active hours (measured)" in html
    assert "<td data-active-hours>1.00</td>" in html  # 4 lessons x 15 min
    assert "4 of 4 lessons" in html
    assert "0 of 4 lessons" in html and "4 completed before time was measured" in html
    assert "Time taken" in html and html.count("<td>20 min</td>") == 2  # each quiz attempt

    response = client.post("/records/certificates/export", data={"format": "csv"}, buffered=True)
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert row["Online contact hours"] == "2"
    assert row["Online active hours (measured)"] == "1.00"

    api = client.get("/api/v1/certificates", headers=bearer(auditor)).json["data"]
    assert [(r["serial"], r["online_hours"], r["online_active_hours"]) for r in api] == [
        (certificate.serial, "2", "1.00")]
