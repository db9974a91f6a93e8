"""A person downloads everything held about them and can ask for erasure under the legal hold."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from modules.models import Enrolment, LessonCompletion
from quizzes.models import Attempt
from tests.conftest import PASSWORD
from tests.factories import (
    add_attempt,
    certificates_of,
    complete_lessons,
    enrol,
    finish_online,
    make_course,
    quizzes_of,
    sign_off,
)
from training.audit.models import AuditEntry
from training.auth.models import User
from training.certificates.models import Certificate
from training.extensions import db
from training.notifications.services import set_preferences


def _count(model, **where):
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)


def test_download_holds_everything_in_iso_utc(client, login, trainee, instructor, course):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    set_preferences(trainee, {"workshop_reminder": False})
    db.session.commit()
    login(trainee)
    response = client.get("/account/data/download.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == trainee.email
    assert (data["account"]["given_names"], data["account"]["family_name"]) == ("Dana", "Whitfield")
    assert data["notification_preferences"]["workshop_reminder"] is False
    assert len(data["certificates"]) == 1 and data["certificates"][0]["printed"]["trainee_name"] == "Dana Whitfield"
    assert data["quiz_attempts"] and data["lesson_completions"] and data["practical"] and data["enrolments"]
    assert any(e["action"] == "notifications.preferences_changed" for e in data["audit_events"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["enrolments"][0]["enrolled_at"])
    page = client.get("/account/data").get_data(as_text=True)
    assert "Dana" in page and data["certificates"][0]["serial"] in page


def test_only_the_person_sees_their_data(client):
    assert client.get("/account/data/download.json").status_code == 302  # to the login page


def test_page_queries_do_not_grow_with_data(client, login, trainee, instructor, course, count_queries):
    login(trainee)
    finish_online(trainee, course)
    db.session.commit()
    with count_queries() as few:
        client.get("/account/data")
    sign_off(instructor, trainee, course)
    for quiz in quizzes_of(course):
        add_attempt(trainee, quiz, passed=False)
        add_attempt(trainee, quiz, passed=False)
    db.session.commit()
    with count_queries() as many:
        client.get("/account/data")
    assert len(many) == len(few)


def test_erasure_keeps_held_ce_records_and_erases_the_rest(app, client, login, trainee, instructor, course):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [certificate] = certificates_of(trainee)
    other = make_course(code="DN-OTHER")
    enrol(trainee, other)
    complete_lessons(trainee, other)
    add_attempt(trainee, quizzes_of(other)[0], passed=False)
    db.session.commit()
    held_attempts = _count(Attempt, user_id=trainee.id) - 1
    login(trainee)
    page = client.get("/account/data/erase").get_data(as_text=True)
    assert certificate.serial in page and "10 years" in page
    refused = client.post("/account/data/erase", data={"current_password": "wrong", "confirm": "ERASE"})
    assert refused.status_code == 400
    assert client.post("/account/data/erase", data={"current_password": PASSWORD, "confirm": "erase"}
                       ).status_code == 400
    assert client.post("/account/data/erase", data={"current_password": PASSWORD, "confirm": "ERASE"}
                       ).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, trainee.id)
    assert user.email.startswith("erased-") and user.name.startswith("Erased account") and not user.active
    assert (user.given_names, user.license_number) == ("", None)
    assert db.session.get(Certificate, certificate.id).snapshot["trainee_name"] == "Dana Whitfield"
    assert _count(Attempt, user_id=trainee.id) == held_attempts  # the held course's evidence stays
    assert _count(Enrolment, user_id=trainee.id) == 1
    assert _count(LessonCompletion, user_id=trainee.id) == len([1 for _ in course.modules for _ in _.lessons])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "personal_data.erased"))
    assert entry.details["held_certificates"] == [certificate.serial]
    assert entry.details["erased"]["enrolments"] == 1 and entry.details["erased"]["quiz_attempts"] == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "personal_data.erasure_requested"))
    assert client.get("/account").status_code == 302  # logged out for good


def test_without_certificates_within_the_hold_everything_goes(app, client, login, trainee, course):
    complete_lessons(trainee, course)
    db.session.commit()
    login(trainee)
    client.post("/account/data/erase", data={"current_password": PASSWORD, "confirm": "ERASE"})
    assert _count(Enrolment, user_id=trainee.id) == 0 and _count(LessonCompletion, user_id=trainee.id) == 0


def test_administrators_cannot_erase_themselves(client, login, make_user):
    admin = make_user("admin")
    login(admin)
    response = client.post("/account/data/erase", data={"current_password": PASSWORD, "confirm": "ERASE"})
    assert response.status_code == 400 and "administrator" in response.get_data(as_text=True)
