"""Expiry frozen at issue, shown as expired, and reminders 90/60/30/7 days ahead, once each."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import certificates_of, enrol, finish_online, make_course, sign_off
from tests.smtp_server import text_of
from training.certificates.documents import integrity
from training.certificates.expiry import Expiring, add_months, expiry_date, reminders_due
from training.certificates.models import CertificateStatus, ExpiryReminder, RecertificationRule
from training.certificates.reminders import queue_expiry_reminders
from training.database import utcnow
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.notifications.sender import send_due_messages
from training.notifications.services import set_preferences


@pytest.mark.parametrize("left, queued, expected", [
    (91, set(), []),
    (90, set(), [90]),
    (89, {90}, []),
    (60, {90}, [60]),
    (45, {90, 60}, []),
    (30, {90, 60}, [30]),
    (7, {90, 60, 30}, [7]),
    (0, {90, 60, 30}, [7]),       # the last day: the 7-day reminder if it was missed
    (0, {90, 60, 30, 7}, []),
    (-1, set(), []),              # expired: nothing more
    (25, set(), [30]),            # a missed run sends only the closest reminder
])
def test_reminder_selection(left, queued, expected):
    today = date(2026, 6, 1)
    due = reminders_due([Expiring(1, today + timedelta(days=left))], today,
                        {(1, d) for d in queued})
    assert due == [(1, d) for d in expected]


def test_expiry_dates():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


@pytest.fixture
def expiring_course(app):
    course = make_course()
    db.session.add(RecertificationRule(course_id=course.id, validity_months=24))
    db.session.commit()
    return course


def issue(make_user, instructor, course, **user_fields):
    trainee = make_user("trainee", **user_fields)
    enrol(trainee, course)
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [certificate] = certificates_of(trainee)
    return certificate


def test_expiry_is_frozen_signed_and_printed(client, login, make_user, instructor, expiring_course):
    certificate = issue(make_user, instructor, expiring_course)
    expected = expiry_date(expiring_course.id, certificate.completion_date)
    assert expected == add_months(certificate.completion_date, 24) - timedelta(days=1)
    assert certificate.expires_on == expected
    assert certificate.snapshot["expires_on"] == expected.isoformat()
    assert integrity(certificate).ok
    db.session.get(RecertificationRule, expiring_course.id).validity_months = 12
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.expires_on == expected  # a later rule change never touches it
    login(certificate.user)
    text = PdfReader(io.BytesIO(client.get(f"/certificates/{certificate.serial}.pdf").data)
                     ).pages[0].extract_text()
    assert "Valid through" in text


def test_expired_is_shown_as_expired_and_still_genuine(client, login, make_user, instructor,
                                                       expiring_course):
    certificate = issue(make_user, instructor, expiring_course)
    certificate.expires_on = utcnow().date()
    db.session.commit()
    assert certificate.status == CertificateStatus.VALID  # valid through its last day
    certificate.expires_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert certificate.status == CertificateStatus.EXPIRED and integrity(certificate).ok
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Expired" in page and "genuine" in page
    auditor = make_user("auditor")
    login(auditor)
    export = client.post("/records/certificates/export?status=expired", data={"format": "jsonl"},
                         buffered=True).get_data(as_text=True)
    assert certificate.serial in export


def test_reminders_are_mailed_once_each(smtp_app, smtp_server, make_user, instructor,
                                        expiring_course):
    certificate = issue(make_user, instructor, expiring_course)
    end = certificate.expires_on
    days = [end - timedelta(days=n) for n in (120, 90, 89, 60, 60, 45, 30, 8, 7, 3, 0, -2)]
    counts = [queue_expiry_reminders(day) for day in days]
    db.session.commit()
    assert counts == [0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0]
    assert sorted(db.session.scalars(select(ExpiryReminder.days_before))) == [7, 30, 60, 90]
    send_due_messages()
    mails = [m for m in smtp_server.wait_for(5) if "expires in" in m["Subject"]]
    assert len(mails) == 4  # the fifth is the "certificate issued" mail
    assert all(m["To"] == certificate.user.email for m in mails)
    assert "expires in 90 days" in mails[0]["Subject"]
    assert "expires in 7 days" in mails[3]["Subject"]
    assert certificate.expires_on.isoformat() in text_of(mails[0])
    assert "/dashboard" in text_of(mails[0]) or "/progress" in text_of(mails[0])


def test_no_reminder_for_revoked_or_opted_out(make_user, instructor, expiring_course, app):
    from training.certificates import services

    revoked = issue(make_user, instructor, expiring_course)
    services.revoke(revoked, "Fraud", make_user("admin"))
    opted_out = issue(make_user, instructor, expiring_course)
    set_preferences(opted_out.user, {"credential_expiring": False})
    db.session.commit()
    queue_expiry_reminders(opted_out.expires_on - timedelta(days=90))
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == "credential_expiring")).all() == []


def test_the_periodic_job_is_registered(app):
    from training.notifications.jobs import runner

    assert "certificate-expiry-reminders" in runner(app).periodic


def test_send_reminders_command(app, make_user, instructor, expiring_course):
    certificate = issue(make_user, instructor, expiring_course)
    day = (certificate.expires_on - timedelta(days=30)).isoformat()
    result = app.test_cli_runner().invoke(args=["certificates", "send-reminders", "--today", day])
    assert result.exit_code == 0 and "1 reminder(s) queued." in result.output
    result = app.test_cli_runner().invoke(args=["certificates", "send-reminders", "--today", day])
    assert "0 reminder(s) queued." in result.output
