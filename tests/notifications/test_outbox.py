"""Queueing mail in the causing transaction and sending it through a real SMTP server."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.smtp_server import html_of, text_of
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.notifications.sender import claim, send_due_messages, send_one
from training.notifications.services import queue_email, set_preferences


def _queue(user, key="k1", **extra):
    return queue_email(to=user, template="verify_email",
                       context={"name": user.name, "link": "https://ce.example/verify/abc", "hours": 48},
                       dedupe_key=key, **extra)


def test_message_arrives_with_text_and_html_parts_from_the_provider(smtp_app, smtp_server, make_user):
    user = make_user(name="Siobhán O'Brien")
    _queue(user)
    db.session.commit()
    assert send_due_messages() == []
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == user.email
    assert mail["From"].addresses[0].display_name == "Dry Needling CE Institute"
    assert mail["From"].addresses[0].addr_spec == "ce@dn-training.example"
    assert mail["Subject"] == "Confirm your email address for Dry Needling CE Institute"
    assert "https://ce.example/verify/abc" in text_of(mail)
    assert "Siobhán O&#39;Brien" in html_of(mail) and 'href="https://ce.example/verify/abc"' in html_of(mail)
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_same_dedupe_key_queues_once(app, make_user):
    user = make_user()
    first = _queue(user)
    second = _queue(user)
    db.session.commit()
    assert first is second
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 1


def test_rolled_back_event_takes_its_mail_with_it(app, make_user):
    user = make_user()
    _queue(user)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 0


def test_opted_out_kind_is_not_queued_but_required_mail_is(app, make_user):
    user = make_user()
    set_preferences(user, {"certificate_issued": False})
    context = {"name": "A", "course_title": "Dry Needling 1", "serial": "S1", "certificate_link": "x",
               "verify_link": "y", "preferences_link": "z"}
    assert queue_email(to=user, template="certificate_issued", context=context, dedupe_key="c1",
                       optional_kind="certificate_issued") is None
    assert _queue(user, key="v1") is not None
    with pytest.raises(ValueError):
        queue_email(to=user, template="verify_email", context={}, dedupe_key="x", optional_kind="no-such-kind")


def test_header_injection_in_the_address_is_refused(app):
    with pytest.raises(ValueError):
        queue_email(to="victim@example.org\r\nBcc: all@example.org", template="verify_email",
                    context={"name": "x", "link": "l", "hours": 1}, dedupe_key="inj")


def test_subject_stays_one_line_whatever_the_context(app, smtp_app, smtp_server, make_user):
    user = make_user()
    queue_email(to=user, template="certificate_issued",
                context={"name": "n", "course_title": "Course\r\nBcc: evil@example.org", "serial": "S",
                         "certificate_link": "a", "verify_link": "b", "preferences_link": "c"},
                dedupe_key="subj")
    db.session.commit()
    send_due_messages()
    [mail] = smtp_server.wait_for(1)
    assert mail["Bcc"] is None and mail["Subject"] == "Your CE certificate for Course Bcc: evil@example.org"


def test_refusing_server_is_retried_and_the_message_kept(smtp_app, smtp_server, make_user):
    user = make_user()
    _queue(user)
    db.session.commit()
    smtp_server.refuse = True
    assert len(send_due_messages()) == 1
    message = db.session.scalar(select(OutboxMessage))
    assert (message.status, message.attempts) == ("pending", 1)
    assert "451" in message.last_error
    smtp_server.refuse = False
    db.session.expire_all()
    assert send_due_messages() == []
    assert len(smtp_server.wait_for(1)) == 1
    db.session.expire_all()
    assert (message.status, message.attempts) == ("sent", 2)


def test_unreachable_server_is_retried(smtp_app, smtp_server, make_user):
    user = make_user()
    _queue(user)
    db.session.commit()
    smtp_app.config["MAIL_PORT"] = 1  # nothing listens there
    assert len(send_due_messages()) == 1
    smtp_app.config["MAIL_PORT"] = smtp_server.port
    send_due_messages()
    assert len(smtp_server.wait_for(1)) == 1


def test_a_claimed_message_is_not_sent_by_a_second_sender(smtp_app, smtp_server, make_user):
    user = make_user()
    message = _queue(user)
    db.session.commit()
    assert claim(message.id) is not None  # a first sender holds it
    assert send_one(message.id) is None
    assert send_due_messages() == []
    assert smtp_server.messages == []


def test_file_backend_writes_eml_and_prints_the_link(app, make_user, tmp_path, capsys):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path))
    user = make_user()
    _queue(user)
    db.session.commit()
    send_due_messages()
    [eml] = tmp_path.glob("*.eml")
    assert b"https://ce.example/verify/abc" in eml.read_bytes()
    assert "https://ce.example/verify/abc" in capsys.readouterr().out


def test_a_server_that_times_out_is_retried_and_the_message_sent_once(smtp_app, smtp_server, make_user):
    user = make_user()
    _queue(user)
    db.session.commit()
    smtp_app.config["MAIL_TIMEOUT"] = 0.5
    smtp_server.hold_rcpt_seconds = 2  # the server hangs before the message is handed over
    assert len(send_due_messages()) == 1
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "pending" and "timed out" in message.last_error.lower()
    smtp_server.hold_rcpt_seconds = 0
    smtp_app.config["MAIL_TIMEOUT"] = 5
    db.session.expire_all()
    send_due_messages()
    assert len(smtp_server.wait_for(1)) == 1
    time.sleep(2.5)  # the hung session has ended: still one message
    assert len(smtp_server.messages) == 1
