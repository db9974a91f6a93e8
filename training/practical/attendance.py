"""Attendance per session day: check-in and check-out times that become in-person hours.

Entries are never edited. The first entry of a trainee's day is a check-in (and perhaps the
check-out); adding the check-out to an open entry, or changing anything already recorded, is
a new entry that replaces the current one and keeps it. Changing a recorded time is a
correction and needs a reason. In-person hours are the minutes of the current entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from training.audit import record_event
from training.auth.models import User
from training.extensions import db
from training.practical.errors import PracticalError
from training.practical.models import AttendanceEntry, Seat, SeatStatus, Workshop
from training.practical.seats import lock_workshop
from training.practical.signals import practical_changed
from training.practical.venue_time import to_local, to_utc

MAX_REASON = 500


@dataclass
class RosterRow:
    seat: Seat
    entry: AttendanceEntry | None


def session_days(workshop: Workshop) -> list[date]:
    """The local calendar days the workshop spans at its venue."""
    first = to_local(workshop.starts_at, workshop.timezone).date()
    last = to_local(workshop.ends_at, workshop.timezone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def may_take_attendance(user, workshop: Workshop) -> bool:
    """The workshop's instructors and admins."""
    return user.has_role("admin") or any(i.id == user.id for i in workshop.instructors)


def current_entries(workshop_id: int, day: date) -> dict[int, AttendanceEntry]:
    """{user id: current entry} for one day of a workshop, in one query."""
    rows = db.session.scalars(
        select(AttendanceEntry).where(AttendanceEntry.workshop_id == workshop_id, AttendanceEntry.day == day,
                                      AttendanceEntry.replaced.is_(False))
    )
    return {e.user_id: e for e in rows}


def roster(workshop: Workshop, day: date) -> list[RosterRow]:
    """Confirmed trainees with their current entry for ``day`` (three queries)."""
    seats = db.session.scalars(
        select(Seat).where(Seat.workshop_id == workshop.id, Seat.status == SeatStatus.CONFIRMED.value)
        .join(User, User.id == Seat.user_id).options(joinedload(Seat.user)).order_by(func.lower(User.name))
    ).all()
    entries = current_entries(workshop.id, day)
    return [RosterRow(seat, entries.get(seat.user_id)) for seat in seats]


def _instant(workshop: Workshop, day: date, at: time | None, field: str) -> datetime | None:
    if at is None:
        return None
    utc = to_utc(datetime.combine(day, at.replace(second=0, microsecond=0)), workshop.timezone, field)
    slack = timedelta(hours=3)
    if not workshop.starts_at - slack <= utc <= workshop.ends_at + slack:
        raise PracticalError("That time is outside the session.", field)
    return utc


def record_attendance(
    workshop_id: int, trainee_id: int, day: date, *, check_in: time | None, check_out: time | None,
    reason: str = "", actor,
) -> AttendanceEntry:
    """Record or correct one trainee's day; audited with before, after, who and why (flushes)."""
    workshop = lock_workshop(workshop_id)
    if not may_take_attendance(actor, workshop):
        raise PracticalError("Only this session's instructors take its attendance.", status=403)
    if day not in session_days(workshop):
        raise PracticalError("Choose a day of this session.", "day")
    seat = db.session.scalar(select(Seat).where(Seat.workshop_id == workshop.id, Seat.user_id == trainee_id))
    if seat is None or seat.status != SeatStatus.CONFIRMED.value:
        raise PracticalError("This trainee is not registered for this session.", "trainee", status=409)
    if check_in is None:
        raise PracticalError("Enter the check-in time.", "check_in")
    start = _instant(workshop, day, check_in, "check_in")
    end = _instant(workshop, day, check_out, "check_out")
    if end is not None and end <= start:
        raise PracticalError("Check-out must be after check-in.", "check_out")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise PracticalError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    current = current_entries(workshop.id, day).get(trainee_id)
    if current is not None:
        if (current.check_in_at, current.check_out_at) == (start, end):
            raise PracticalError("Nothing changed.", "check_in", status=409)
        checking_out = current.check_out_at is None and current.check_in_at == start
        if not checking_out and not reason:
            raise PracticalError("Say why the recorded times are being corrected.", "reason")
    entry = AttendanceEntry(
        workshop_id=workshop.id, course_id=workshop.course_id, user_id=trainee_id, day=day,
        check_in_at=start, check_out_at=end, minutes=int((end - start).total_seconds() // 60) if end else 0,
        replaces_id=current.id if current else None, reason=reason, recorded_by_id=actor.id,
        recorded_by_name=actor.name,
    )
    if current is not None:
        current.replaced = True
    db.session.add(entry)
    db.session.flush()
    correction = current is not None and bool(reason)
    record_event(
        "attendance.corrected" if correction else "attendance.recorded", f"attendance:{entry.id}",
        {"workshop_id": workshop.id, "trainee_id": trainee_id, "day": day.isoformat(),
         "check_in": start.isoformat(), "check_out": end.isoformat() if end else None, "minutes": entry.minutes,
         "replaces": current.id if current else None, "reason": reason,
         "before": ({"check_in": current.check_in_at.isoformat() if current.check_in_at else None,
                     "check_out": current.check_out_at.isoformat() if current.check_out_at else None,
                     "minutes": current.minutes} if current else None)},
        actor=actor,
    )
    practical_changed.send(None, user_id=trainee_id, course_id=workshop.course_id)
    return entry


def attended_minutes(course_id: int, user_ids: Sequence[int]) -> dict[int, int]:
    """{user id: minutes} of current attendance in the course, in one query."""
    minutes = {uid: 0 for uid in user_ids}
    if user_ids:
        rows = db.session.execute(
            select(AttendanceEntry.user_id, func.sum(AttendanceEntry.minutes))
            .where(AttendanceEntry.course_id == course_id, AttendanceEntry.user_id.in_(list(user_ids)),
                   AttendanceEntry.replaced.is_(False))
            .group_by(AttendanceEntry.user_id)
        )
        for user_id, total in rows:
            minutes[user_id] = int(total or 0)
    return minutes


def attendance_history(user_id: int, course_ids: Sequence[int] | None = None) -> list[AttendanceEntry]:
    """Every entry of the trainee, replaced ones included, oldest first (records and auditors)."""
    stmt = (select(AttendanceEntry).where(AttendanceEntry.user_id == user_id)
            .options(joinedload(AttendanceEntry.workshop))
            .order_by(AttendanceEntry.day, AttendanceEntry.id))
    if course_ids is not None:
        stmt = stmt.where(AttendanceEntry.course_id.in_(list(course_ids)))
    return list(db.session.scalars(stmt))
