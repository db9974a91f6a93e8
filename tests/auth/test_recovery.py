"""Verification, reset and email change through the real routes and a real SMTP server."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from tests.auth.test_accounts import GOOD, register_data
from tests.conftest import PASSWORD
from tests.smtp_server import text_of
from training.audit.models import AuditEntry
from training.auth.models import User
from training.notifications.sender import send_due_messages

NEW = "Violet-Granite-Meadow-31"


def deliver(inbox, count):
    send_due_messages()
    messages = inbox.wait_for(count, timeout=5)
    assert len(messages) == count, [m["Subject"] for m in messages]
    return messages


def link_in(message, part="/"):
    links = re.findall(r"https?://\S+", text_of(message))
    [link] = [li for li in links if part in li]
    return "/" + link.split("/", 3)[3]


def test_register_follow_link_then_log_in(client, smtp_app, smtp_server, db):
    client.post("/register", data=register_data())
    refused = client.post("/login", data={"email": "maria.lopez@example.org", "password": GOOD})
    assert refused.status_code == 403 and "Confirm your email address first" in refused.get_data(as_text=True)
    [mail] = deliver(smtp_server, 1)
    assert mail["To"] == "maria.lopez@example.org"
    link = link_in(mail, "/email/verify/")
    assert client.get(link).status_code == 200
    user = db.session.scalar(select(User))
    assert user.email_verified_at is None  # opening the link changes nothing; the button does
    assert client.post(link).status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None
    assert client.post(link).status_code == 400  # single use
    assert client.post("/login", data={"email": "maria.lopez@example.org", "password": GOOD}).status_code == 302


def test_taken_address_tells_the_owner_instead(client, smtp_app, smtp_server, make_user, db):
    owner = make_user(email="maria.lopez@example.org")
    client.post("/register", data=register_data())
    [mail] = deliver(smtp_server, 1)
    assert mail["To"] == owner.email and "tried to register" in mail["Subject"]
    assert "/email/verify/" not in text_of(mail)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "registration.duplicate"))


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "x" + t, lambda t: "not-a-token"])
def test_tampered_links_are_refused(client, smtp_app, smtp_server, mangle):
    client.post("/register", data=register_data())
    link = link_in(deliver(smtp_server, 1)[0], "/email/verify/")
    token = link.rsplit("/", 1)[1]
    assert client.post(f"/email/verify/{mangle(token)}").status_code == 400


def test_expired_link_is_refused(client, smtp_app, smtp_server):
    client.post("/register", data=register_data())
    link = link_in(deliver(smtp_server, 1)[0], "/email/verify/")
    smtp_app.config["VERIFY_LINK_HOURS"] = 0
    time.sleep(1.1)
    response = client.post(link)
    assert response.status_code == 400 and "not valid any more" in response.get_data(as_text=True)


def test_a_link_for_one_purpose_does_not_work_for_another(client, smtp_app, smtp_server, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    token = link_in(deliver(smtp_server, 1)[0], "/password/reset/").rsplit("/", 1)[1]
    assert client.post(f"/email/verify/{token}").status_code == 400
    assert client.post(f"/account/email/confirm/{token}").status_code == 400


def test_forgot_password_for_unknown_address_answers_the_same_and_sends_nothing(client, smtp_app, smtp_server,
                                                                                make_user):
    user = make_user()
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    known = client.post("/password/forgot", data={"email": user.email})
    assert (unknown.status_code, unknown.location) == (known.status_code, known.location)
    [mail] = deliver(smtp_server, 1)
    assert mail["To"] == user.email


def test_reset_sets_password_ends_other_sessions_and_is_single_use(app, client, smtp_app, smtp_server, make_user,
                                                                    db):
    user = make_user()
    other_device = app.test_client()
    assert other_device.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert other_device.get("/account").status_code == 200
    client.post("/password/forgot", data={"email": user.email})
    link = link_in(deliver(smtp_server, 1)[0], "/password/reset/")
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 400
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert other_device.get("/account").status_code == 302  # logged out
    assert client.get("/account").status_code == 200  # the person who reset is logged in
    assert client.post(link, data={"password": "Another-Long-Phrase-88", "confirm": "Another-Long-Phrase-88"}
                       ).status_code == 400
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": NEW}).status_code == 302


def test_password_change_invalidates_outstanding_links(client, smtp_app, smtp_server, make_user, login):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = link_in(deliver(smtp_server, 1)[0], "/password/reset/")
    login(user)
    client.post("/account/password", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    client.post("/logout")
    assert client.get(link).status_code == 400


def test_admin_resends_verification(client, smtp_app, smtp_server, make_user, login, db):
    admin = make_user("admin")
    pending = make_user()
    pending.email_verified_at = None
    db.session.commit()
    login(admin)
    assert client.post(f"/admin/users/{pending.id}/resend-verification").status_code == 302
    [mail] = deliver(smtp_server, 1)
    assert mail["To"] == pending.email and "/email/verify/" in text_of(mail)
    assert db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "email.verification_resent")) \
        == admin.email


def test_email_change_confirms_the_new_address_and_tells_the_old(client, smtp_app, smtp_server, make_user,
                                                                 login, db):
    user = make_user(email="old@example.org")
    login(user)
    wrong = client.post("/account/email", data={"email": "new@example.org", "current_password": "nope"})
    assert wrong.status_code == 400
    assert client.post("/account/email", data={"email": "New@Example.org", "current_password": PASSWORD}
                       ).status_code == 302
    db.session.refresh(user)
    assert user.email == "old@example.org"  # not before confirmation
    mails = deliver(smtp_server, 2)
    confirm = next(m for m in mails if m["To"] == "new@example.org")
    notice = next(m for m in mails if m["To"] == "old@example.org")
    assert "about to change" in notice["Subject"]
    link = link_in(confirm, "/account/email/confirm/")
    assert client.post(link).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.org" and user.email_verified_at is not None
    done = deliver(smtp_server, 3)[2]
    assert done["To"] == "old@example.org" and "was changed" in done["Subject"]
    assert client.post(link).status_code == 400
