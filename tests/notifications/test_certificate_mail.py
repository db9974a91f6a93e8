"""A certificate issued sends its mail with the verification link, unless the trainee turned it off."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import certificates_of, finish_online, sign_off
from tests.smtp_server import html_of, text_of
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.notifications.sender import send_due_messages
from training.notifications.services import set_preferences


def test_issued_certificate_is_mailed_with_its_verification_link(smtp_app, smtp_server, trainee, instructor,
                                                                 course):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [certificate] = certificates_of(trainee)
    send_due_messages()
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == trainee.email and course.title in mail["Subject"]
    assert f"/verify/{certificate.verification_code}" in text_of(mail)
    assert certificate.serial in html_of(mail) and "Mail preferences" in html_of(mail)


def test_opted_out_trainee_gets_no_certificate_mail(app, trainee, instructor, course):
    set_preferences(trainee, {"certificate_issued": False})
    db.session.commit()
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    assert len(certificates_of(trainee)) == 1
    assert db.session.scalars(select(OutboxMessage.template)).all() == []


def test_preferences_page_turns_kinds_off_and_says_why_others_are_required(client, make_user, login, db):
    from training.audit.models import AuditEntry
    from training.notifications.services import preferences_of

    user = make_user()
    login(user)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Certificate issued" in page and "Password reset links" in page and "only way back in" in page
    data = {"kind_waitlist_promotion": "y", "kind_workshop_reminder": "y", "kind_credential_expiring": "y",
            "kind_supervised_session": "y"}  # certificate_issued left unchecked
    assert client.post("/account/notifications", data=data).status_code == 302
    assert preferences_of(user)["certificate_issued"] is False and preferences_of(user)["workshop_reminder"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notifications.preferences_changed"))
    assert entry.details["certificate_issued"] == {"from": True, "to": False}
