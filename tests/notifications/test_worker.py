"""The real worker process sends what commits queued, exactly once, even when it is killed."""

from __future__ import annotations

import time

from sqlalchemy import select

from tests.smtp_server import text_of
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.notifications.services import queue_email


def _queue(user, key):
    queue_email(to=user, template="verify_email",
                context={"name": user.name, "link": f"https://ce.example/verify/{key}", "hours": 48},
                dedupe_key=key)


def _wait(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        db.session.rollback()
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _status():
    return db.session.scalar(select(OutboxMessage.status))


def test_worker_sends_what_a_commit_queued(worker, smtp_server, make_user):
    worker.start()
    user = make_user()
    _queue(user, "one")
    db.session.commit()
    [mail] = smtp_server.wait_for(1)
    assert "https://ce.example/verify/one" in text_of(mail)
    assert _wait(lambda: _status() == "sent")


def test_mail_queued_while_no_worker_runs_goes_out_when_one_starts(worker, smtp_server, make_user):
    user = make_user()
    _queue(user, "early")
    db.session.commit()
    time.sleep(0.5)
    assert smtp_server.messages == []
    worker.start()
    assert len(smtp_server.wait_for(1)) == 1
    time.sleep(1.5)
    assert len(smtp_server.messages) == 1


def test_killed_worker_between_queueing_and_sending_still_sends_exactly_once(worker, smtp_server, make_user):
    smtp_server.hold_rcpt_seconds = 30  # the worker connects, then hangs before handing the message over
    worker.start()
    user = make_user()
    _queue(user, "killed")
    db.session.commit()
    assert _wait(lambda: db.session.scalar(select(OutboxMessage.claimed_until)) is not None)
    worker.kill()
    assert smtp_server.messages == []
    smtp_server.hold_rcpt_seconds = 0
    time.sleep(3.5)  # the dead worker's claim runs out
    worker.start()
    assert len(smtp_server.wait_for(1)) == 1
    assert _wait(lambda: _status() == "sent")
    time.sleep(2)
    assert len(smtp_server.messages) == 1


def test_refusing_server_then_killed_worker_loses_nothing(worker, smtp_server, make_user):
    smtp_server.refuse = True
    worker.start()
    user = make_user()
    _queue(user, "refused")
    db.session.commit()
    assert _wait(lambda: (db.session.scalar(select(OutboxMessage.attempts)) or 0) >= 2)
    worker.kill()
    smtp_server.refuse = False
    time.sleep(3.5)
    worker.start()
    assert len(smtp_server.wait_for(1)) == 1
    assert _wait(lambda: _status() == "sent")
    assert len(smtp_server.messages) == 1


def test_worker_on_redis_sends_what_a_commit_queued(redis_worker, smtp_server, make_user):
    """Several machines share the queue through Redis: the same code, a different JOBS_URL."""
    user = make_user()
    _queue(user, "redis-early")
    db.session.commit()
    redis_worker.start()
    assert len(smtp_server.wait_for(1)) == 1
    _queue(user, "redis-later")
    db.session.commit()
    assert len(smtp_server.wait_for(2)) == 2
    assert _wait(lambda: db.session.scalars(select(OutboxMessage.status)).all() == ["sent", "sent"])
