"""Seats and the waitlist: registration, cancellation, transfer and promotion that never overbook.

Every seat change first takes the workshop's lock with an UPDATE of its row (a row lock on
PostgreSQL, the write lock on SQLite) and only then counts seats, so two registrations for
the last seat, or two cancellations promoting from the waitlist, run one after the other:
the second sees the first's committed work. Waitlist order is the order in which requests
got the lock (``queue_number``). The workshop lock is always taken before the audit log's,
and two workshops are locked in id order, so these writers never deadlock.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from modules.models import Course
from modules.services import find_enrolment
from training.audit import record_event
from training.database import utcnow
from training.extensions import db
from training.practical.errors import PracticalError
from training.practical.models import Seat, SeatStatus, Workshop
from training.practical.notices import tell_promoted
from training.practical.prerequisites import check_prerequisites, missing_modules
from training.practical.signals import seat_promoted

CONFIRMED, WAITLISTED, CANCELLED = (s.value for s in SeatStatus)


def lock_workshop(workshop_id: int) -> Workshop:
    """The workshop, locked for seat changes until commit (see the module docstring)."""
    result = db.session.execute(
        update(Workshop).where(Workshop.id == workshop_id).values(seat_version=Workshop.seat_version + 1)
    )
    if result.rowcount != 1:
        raise PracticalError("This session no longer exists.", status=404)
    return db.session.scalar(
        select(Workshop).where(Workshop.id == workshop_id)
        .options(selectinload(Workshop.instructors), selectinload(Workshop.course).selectinload(Course.modules))
        .execution_options(populate_existing=True)
    )


def _seat(workshop_id: int, user_id: int) -> Seat | None:
    return db.session.scalar(
        select(Seat).where(Seat.workshop_id == workshop_id, Seat.user_id == user_id)
        .execution_options(populate_existing=True)
    )


def _count(workshop_id: int, status: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id, Seat.status == status)
    ) or 0


def _next_number(workshop_id: int) -> int:
    return (db.session.scalar(select(func.max(Seat.queue_number)).where(Seat.workshop_id == workshop_id)) or 0) + 1


def _check_can_register(user, workshop: Workshop) -> None:
    if not user.has_role("trainee"):
        raise PracticalError("Only trainees register for sessions.", status=403)
    if workshop.starts_at <= utcnow():
        raise PracticalError("This session has already started; choose an upcoming one.", status=409)
    if find_enrolment(user.id, workshop.course_id) is None:
        raise PracticalError(f"Enrol in {workshop.course.title} before booking its lab.", status=403)
    seat = _seat(workshop.id, user.id)
    if seat is not None and seat.status != CANCELLED:
        where = "have a seat" if seat.status == CONFIRMED else "are on the waitlist"
        raise PracticalError(f"You already {where} for this session.", status=409)
    check_prerequisites(user.id, workshop)


def _take_place(user, workshop: Workshop) -> Seat:
    """A confirmed seat if one is free, else the end of the waitlist (the lock is held)."""
    seat = _seat(workshop.id, user.id) or Seat(workshop_id=workshop.id, user_id=user.id)
    now = utcnow()
    seat.queue_number = _next_number(workshop.id)
    seat.requested_at, seat.cancelled_at, seat.promoted_at = now, None, None
    if _count(workshop.id, CONFIRMED) < workshop.capacity:
        seat.status, seat.confirmed_at = CONFIRMED, now
    else:
        seat.status, seat.confirmed_at = WAITLISTED, None
    db.session.add(seat)
    db.session.flush()
    return seat


def register(user, workshop_id: int) -> Seat:
    """Book ``user`` on the workshop: a confirmed seat, or a place on the waitlist (audited)."""
    workshop = lock_workshop(workshop_id)
    _check_can_register(user, workshop)
    seat = _take_place(user, workshop)
    record_event("workshop.registered", f"seat:{seat.id}",
                 {"workshop_id": workshop.id, "trainee_id": user.id, "status": seat.status,
                  "queue_number": seat.queue_number}, actor=user)
    return seat


def fill_free_seats(workshop: Workshop, *, actor=None) -> list[Seat]:
    """Give free seats to waiting trainees in queue order; those lacking a required module wait on.

    The caller holds the workshop lock. Each promotion is audited, mailed and announced.
    """
    promoted = []
    free = workshop.capacity - _count(workshop.id, CONFIRMED)
    if free <= 0:
        return promoted
    waiting = db.session.scalars(
        select(Seat).where(Seat.workshop_id == workshop.id, Seat.status == WAITLISTED)
        .order_by(Seat.queue_number).execution_options(populate_existing=True)
    ).all()
    for seat in waiting:
        if len(promoted) == free:
            break
        if missing_modules(seat.user_id, workshop):
            continue
        now = utcnow()
        seat.status, seat.confirmed_at, seat.promoted_at = CONFIRMED, now, now
        db.session.flush()
        record_event("workshop.promoted", f"seat:{seat.id}",
                     {"workshop_id": workshop.id, "trainee_id": seat.user_id, "queue_number": seat.queue_number},
                     actor=actor)
        tell_promoted(seat)
        seat_promoted.send(seat)
        promoted.append(seat)
    return promoted


def _release(seat: Seat, workshop: Workshop, actor, reason: str) -> None:
    was = seat.status
    seat.status, seat.cancelled_at = CANCELLED, utcnow()
    db.session.flush()
    record_event("workshop.cancelled", f"seat:{seat.id}",
                 {"workshop_id": workshop.id, "trainee_id": seat.user_id, "was": was, "reason": reason},
                 actor=actor)
    if was == CONFIRMED:
        fill_free_seats(workshop, actor=actor)


def _check_may_change(seat: Seat | None, user) -> Seat:
    if seat is None or (seat.user_id != user.id and not user.has_role("admin")):
        raise PracticalError("That booking is not yours.", status=404)
    if seat.status == CANCELLED:
        raise PracticalError("This booking is already cancelled.", status=409)
    return seat


def cancel(seat_id: int, user) -> Seat:
    """Cancel a booking; a freed seat goes to the first waiting trainee (audited)."""
    seat = db.session.get(Seat, seat_id)
    if seat is None:
        raise PracticalError("That booking is not yours.", status=404)
    workshop = lock_workshop(seat.workshop_id)
    seat = _check_may_change(_seat(workshop.id, seat.user_id), user)
    if workshop.starts_at <= utcnow():
        raise PracticalError("The session has started; ask the instructor.", status=409)
    _release(seat, workshop, user, "cancelled")
    return seat


def transfer(seat_id: int, target_id: int, user) -> Seat:
    """Move a booking to another upcoming session of the same course: a seat or its waitlist."""
    seat = db.session.get(Seat, seat_id)
    if seat is None:
        raise PracticalError("That booking is not yours.", status=404)
    if target_id == seat.workshop_id:
        raise PracticalError("Choose a different session.", "target")
    locked = {wid: lock_workshop(wid) for wid in sorted({seat.workshop_id, target_id})}
    source, target = locked[seat.workshop_id], locked[target_id]
    seat = _check_may_change(_seat(source.id, seat.user_id), user)
    trainee = seat.user
    if target.course_id != source.course_id:
        raise PracticalError("You can only move to a session of the same course.", "target")
    if source.starts_at <= utcnow():
        raise PracticalError("The session has started; ask the instructor.", status=409)
    try:
        _check_can_register(trainee, target)
    except PracticalError as err:
        raise PracticalError(str(err), "target", err.status) from None
    new_seat = _take_place(trainee, target)
    record_event("workshop.transferred", f"seat:{new_seat.id}",
                 {"from_workshop_id": source.id, "to_workshop_id": target.id, "trainee_id": trainee.id,
                  "status": new_seat.status, "queue_number": new_seat.queue_number}, actor=user)
    _release(seat, source, user, f"transferred to workshop {target.id}")
    return new_seat


def waitlist_place(seat: Seat) -> int | None:
    """1 for the first waiting trainee, and so on; None when not waiting."""
    if seat.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(Seat).where(
            Seat.workshop_id == seat.workshop_id, Seat.status == WAITLISTED, Seat.queue_number < seat.queue_number)
    ) or 0
    return ahead + 1


def waitlist_places(seats) -> dict[int, int]:
    """{seat id: place in its queue} for the waitlisted ones among ``seats``, in one query."""
    waiting = [s for s in seats if s.status == WAITLISTED]
    if not waiting:
        return {}
    queues: dict[int, list[int]] = {}
    for workshop_id, number in db.session.execute(
        select(Seat.workshop_id, Seat.queue_number)
        .where(Seat.workshop_id.in_({s.workshop_id for s in waiting}), Seat.status == WAITLISTED)
        .order_by(Seat.queue_number)
    ):
        queues.setdefault(workshop_id, []).append(number)
    return {s.id: queues[s.workshop_id].index(s.queue_number) + 1 for s in waiting}


def promoted_seats(user_id: int) -> list[Seat]:
    """Upcoming seats the trainee got from a waitlist: the dashboard tells them (one query)."""
    return list(db.session.scalars(
        select(Seat).join(Workshop)
        .where(Seat.user_id == user_id, Seat.status == CONFIRMED, Seat.promoted_at.is_not(None),
               Workshop.starts_at > utcnow())
        .options(selectinload(Seat.workshop)).order_by(Workshop.starts_at)
    ))


def seats_of(user_id: int, course_ids=None) -> list[Seat]:
    """The trainee's bookings (not cancelled), soonest session first, workshops loaded."""
    stmt = (
        select(Seat).join(Workshop).where(Seat.user_id == user_id, Seat.status != CANCELLED)
        .options(selectinload(Seat.workshop).selectinload(Workshop.course))
        .order_by(Workshop.starts_at, Seat.id)
    )
    if course_ids is not None:
        stmt = stmt.where(Workshop.course_id.in_(list(course_ids)))
    return list(db.session.scalars(stmt))
