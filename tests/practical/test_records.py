"""Auditors see the practical per trainee, as recorded, and export it (the export is audited)."""

from __future__ import annotations

import csv
import io
from datetime import date, time

from sqlalchemy import select

from tests.factories import enrolled_trainees, make_lab_course, make_workshop
from training.audit.models import AuditEntry
from training.extensions import db
from training.practical.attendance import record_attendance, session_days
from training.practical.models import Skill, SupervisedSession
from training.practical.rubric import assess_skill
from training.practical.seats import register


def test_auditor_sees_and_exports_the_practical(app, make_user, login, client):
    course = make_lab_course()
    instructor = make_user("instructor")
    workshop = make_workshop(course, [instructor])
    trainee, = enrolled_trainees(make_user, course, 1)
    register(trainee, workshop.id)
    day = session_days(workshop)[0]
    record_attendance(workshop.id, trainee.id, day, check_in=time(8), check_out=time(16), actor=instructor)
    record_attendance(workshop.id, trainee.id, day, check_in=time(9), check_out=time(16), reason="Came at nine",
                      actor=instructor)
    skill = Skill(course_id=course.id, key="clean", title="Clean needle technique",
                  criteria=[{"key": "hh", "text": "Hand hygiene"}])
    db.session.add(skill)
    db.session.flush()
    assess_skill(workshop=workshop, trainee_id=trainee.id, skill_id=skill.id, met={"hh": True},
                 outcome="competent", notes="Tidy", actor=instructor)
    db.session.add(SupervisedSession(trainee_id=trainee.id, course_id=course.id, supervisor_id=instructor.id,
                                     treated_on=date(2026, 1, 3), setting="Sports club", region="Gastrocnemius",
                                     status="countersigned"))
    db.session.commit()

    login(trainee)
    assert client.get(f"/records/trainees/{trainee.id}").status_code == 403
    assert client.post(f"/records/trainees/{trainee.id}/practical.csv").status_code == 403

    login(make_user("auditor"))
    page = client.get(f"/records/trainees/{trainee.id}").get_data(as_text=True)
    for text in ("In-person practical", workshop.title, "replaced by a correction", "Came at nine",
                 "Clean needle technique", "1 of 1", "Sports club: Gastrocnemius"):
        assert text in page, text
    response = client.post(f"/records/trainees/{trainee.id}/practical.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    kinds = [r["Kind"] for r in rows]
    assert kinds == ["booking", "attendance", "attendance", "assessment", "supervised session"]
    assert [r["Result"] for r in rows if r["Kind"] == "attendance"] == ["8 h", "7 h"]
    assert rows[2]["Reason or notes"] == "Came at nine"
    exported = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "practical.exported"))
    assert exported.details["rows"] == 5
