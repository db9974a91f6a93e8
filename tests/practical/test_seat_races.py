"""Seats never overbook and nobody is promoted twice, with requests arriving at the same moment.

On PostgreSQL (TEST_DATABASE_URL) every registration or cancellation runs in its own thread,
app context, session and connection, released together by a barrier: the workshop row lock
must do the work. On SQLite, whose single writer serialises everything anyway, the same
requests run one after the other and the same outcome is checked.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.factories import enrolled_trainees, make_lab_course, make_workshop
from training.audit.models import AuditEntry
from training.extensions import db
from training.notifications.models import OutboxMessage
from training.practical.errors import PracticalError
from training.practical.models import Seat
from training.practical.seats import cancel, register

pytestmark = pytest.mark.postgres


def run_all(app, calls) -> list:
    """Run each (function, args) in its own app context; concurrently on PostgreSQL."""
    db.session.commit()
    results: list = [None] * len(calls)

    def one(i, fn, args):
        with app.app_context():
            try:
                results[i] = fn(*args)
                db.session.commit()
            except PracticalError as err:
                db.session.rollback()
                results[i] = err
            finally:
                db.session.remove()

    if db.engine.dialect.name != "postgresql":
        for i, (fn, args) in enumerate(calls):
            one(i, fn, args)
        return results
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def threaded(i, fn, args):
        try:
            barrier.wait(timeout=30)
            one(i, fn, args)
        except BaseException as err:  # reported in the main thread
            errors.append(err)

    threads = [threading.Thread(target=threaded, args=(i, fn, args)) for i, (fn, args) in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def register_by_id(user_id: int, workshop_id: int) -> tuple[str, int]:
    from training.auth.models import User

    seat = register(db.session.get(User, user_id), workshop_id)
    return seat.status, seat.queue_number


def cancel_by_id(seat_id: int, user_id: int) -> str:
    from training.auth.models import User

    return cancel(seat_id, db.session.get(User, user_id)).status


def seats(workshop_id: int) -> list[Seat]:
    db.session.expire_all()
    return list(db.session.scalars(select(Seat).where(Seat.workshop_id == workshop_id).order_by(Seat.queue_number)))


def test_thirty_registrations_for_ten_seats(app, make_user):
    course = make_lab_course()
    workshop = make_workshop(course, [make_user("instructor")], capacity=10, ratio=10)
    trainees = enrolled_trainees(make_user, course, 32)
    results = run_all(app, [(register_by_id, (t.id, workshop.id)) for t in trainees])

    assert all(isinstance(r, tuple) for r in results)
    booked = seats(workshop.id)
    assert [s.status for s in booked].count("confirmed") == 10
    assert [s.status for s in booked].count("waitlisted") == 22
    # arrival order: the first ten through the lock got the seats, the rest queue behind them
    assert [s.queue_number for s in booked] == list(range(1, 33))
    assert all(s.status == "confirmed" for s in booked[:10])
    assert all(s.status == "waitlisted" for s in booked[10:])
    # the audit log saw them in the same order as the queue
    logged = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "workshop.registered").order_by(AuditEntry.seq)).all()
    assert [e.details["queue_number"] for e in logged] == list(range(1, 33))
    assert {e.details["trainee_id"] for e in logged} == {t.id for t in trainees}


def test_simultaneous_cancellations_never_promote_anyone_twice(app, make_user):
    course = make_lab_course()
    workshop = make_workshop(course, [make_user("instructor")], capacity=10, ratio=10)
    trainees = enrolled_trainees(make_user, course, 16)
    for trainee in trainees:
        register(trainee, workshop.id)
        db.session.commit()
    booked = seats(workshop.id)
    leaving = [s for s in booked if s.status == "confirmed"][:5]
    waiting = [s.user_id for s in booked if s.status == "waitlisted"]
    # each leaver cancels twice at once (a double click), and five leave together
    calls = [(cancel_by_id, (s.id, s.user_id)) for s in leaving for _ in range(2)]
    results = run_all(app, calls)

    assert sorted(r if isinstance(r, str) else "refused" for r in results) == ["cancelled"] * 5 + ["refused"] * 5
    after = {s.user_id: s for s in seats(workshop.id)}
    assert sum(s.status == "confirmed" for s in after.values()) == 10
    promoted = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "workshop.promoted")).all()
    promoted_ids = [e.details["trainee_id"] for e in promoted]
    assert sorted(promoted_ids) == sorted(waiting[:5])  # the first five in the queue, once each
    assert len(set(promoted_ids)) == 5
    assert after[waiting[5]].status == "waitlisted"
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "waitlist_promotion")).all()
    assert sorted(m.user_id for m in mails) == sorted(waiting[:5])
