"""Supervised patient sessions: no identifiers, a supervisor with an account, countersigned by them alone."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import enrolled_trainees, make_lab_course
from training.audit.models import AuditEntry
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.practical.models import SupervisedSession


@pytest.fixture
def setup(app, make_user):
    course = make_lab_course()
    trainee, = enrolled_trainees(make_user, course, 1)
    supervisor = make_user("instructor", email="supervisor@example.org")
    return course, trainee, supervisor


def log_data(**overrides) -> dict:
    data = {"treated_on": date.today().isoformat(), "setting": "Outpatient clinic",
            "region": "Upper trapezius, levator scapulae", "supervisor_email": "supervisor@example.org",
            "no_identifiers": "y"}
    data.update(overrides)
    return data


def test_log_then_countersign_by_the_supervisor(setup, login, client, app):
    course, trainee, supervisor = setup
    login(trainee)
    page = client.get(f"/practical/courses/{course.id}/supervised").get_data(as_text=True)
    assert "no patient identifiers" in page
    assert client.post(f"/practical/courses/{course.id}/supervised", data=log_data()).status_code == 302
    log = db.session.scalar(select(SupervisedSession))
    assert (log.status, log.supervisor_id) == ("pending", supervisor.id)
    # the trainee cannot countersign their own log
    assert client.post(f"/practical/supervised/{log.id}/decide", data={"countersign": "1"}).status_code == 403

    supervisor_client = login(supervisor, on=app.test_client())
    assert "Outpatient clinic" in supervisor_client.get("/practical/").get_data(as_text=True)
    response = supervisor_client.post(f"/practical/supervised/{log.id}/decide", data={"countersign": "Countersign"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SupervisedSession, log.id).status == "countersigned"
    again = supervisor_client.post(f"/practical/supervised/{log.id}/decide", data={"reject": "Reject", "note": "x"})
    assert again.status_code == 409
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))] == [
        "supervised.logged", "supervised.countersigned"]
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "supervised_decided")).all()
    assert mail.to_email == trainee.email and "countersigned" in mail.subject


def test_only_the_named_supervisor_decides_and_a_rejection_needs_a_reason(setup, make_user, login, client):
    course, trainee, supervisor = setup
    login(trainee)
    client.post(f"/practical/courses/{course.id}/supervised", data=log_data())
    log = db.session.scalar(select(SupervisedSession))
    login(make_user("instructor"))
    assert client.post(f"/practical/supervised/{log.id}/decide", data={"countersign": "1"}).status_code == 403
    login(supervisor)
    response = client.post(f"/practical/supervised/{log.id}/decide", data={"reject": "Reject"})
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    assert client.post(f"/practical/supervised/{log.id}/decide",
                       data={"reject": "Reject", "note": "Date is wrong"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(SupervisedSession, log.id).status == "rejected"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"region": "Neck, patient DOB 04/12/1961"}, "region", "date of birth"),
    ({"setting": "Clinic, MRN 5523187"}, "setting", "record or patient number"),
    ({"region": "Gluteus medius, patient jane@example.org"}, "region", "e-mail address"),
    ({"supervisor_email": "nobody@example.org"}, "supervisor_email", "instructor account"),
    ({"treated_on": "2999-01-01"}, "treated_on", "cannot be in the future"),
    ({"no_identifiers": ""}, "no_identifiers", "Confirm that the log holds no identifiers."),
])
def test_bad_logs_are_refused_next_to_the_field(setup, login, client, overrides, field, message):
    course, trainee, _ = setup
    login(trainee)
    response = client.post(f"/practical/courses/{course.id}/supervised", data=log_data(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(SupervisedSession)) is None


def test_a_trainee_cannot_name_themself_or_a_trainee_as_supervisor(setup, make_user, login, client):
    course, trainee, _ = setup
    login(trainee)
    response = client.post(f"/practical/courses/{course.id}/supervised",
                           data=log_data(supervisor_email=trainee.email))
    assert response.status_code == 400 and "own treatment" in response.get_data(as_text=True)
    peer = make_user("trainee")
    response = client.post(f"/practical/courses/{course.id}/supervised", data=log_data(supervisor_email=peer.email))
    assert response.status_code == 400 and "instructor account" in response.get_data(as_text=True)
    assert db.session.scalar(select(SupervisedSession)) is None
