"""Scheduling workshops: the rules a session must meet before trainees can book it.

A workshop may not start in the past, must end after it starts, may not overlap another
session at the same venue or with one of its instructors, and its capacity must respect the
instructor-to-trainee ratio (capacity <= ratio x instructors) and never drop below the seats
already confirmed. Raising the capacity fills the new seats from the waitlist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from modules.models import Course
from training.audit import record_event
from training.auth.models import User
from training.database import utcnow
from training.extensions import db
from training.practical.errors import PracticalError
from training.practical.models import Seat, SeatStatus, Workshop, workshop_instructors
from training.practical.venue_time import to_utc, zone


@dataclass
class WorkshopInput:
    """What staff enter for a workshop; times are wall-clock times at the venue."""

    title: str
    venue: str
    address: str
    timezone: str
    starts_local: datetime
    ends_local: datetime
    capacity: int
    ratio: int
    instructor_ids: Sequence[int]
    required_module_ids: Sequence[int] = ()


def may_manage(user, workshop: Workshop | None = None) -> bool:
    """Admins manage every workshop; an instructor manages those they teach (and new ones)."""
    if user.has_role("admin"):
        return True
    if not user.has_role("instructor"):
        return False
    return workshop is None or any(i.id == user.id for i in workshop.instructors)


def confirmed_count(workshop_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Seat)
        .where(Seat.workshop_id == workshop_id, Seat.status == SeatStatus.CONFIRMED.value)
    ) or 0


def _instructors(ids: Sequence[int]) -> list[User]:
    wanted = {int(i) for i in ids}
    if not wanted:
        raise PracticalError("Choose at least one instructor present.", "instructor_ids")
    users = list(db.session.scalars(select(User).where(User.id.in_(wanted))))
    if len(users) != len(wanted) or not all(u.active and u.has_role("instructor") for u in users):
        raise PracticalError("Every instructor present must be an active instructor account.", "instructor_ids")
    return users


def _overlap(workshop_id: int | None, venue: str, starts: datetime, ends: datetime, ids: set[int]) -> str | None:
    """The title of a session that overlaps in time at the same venue or with an instructor."""
    teaching = select(workshop_instructors.c.workshop_id).where(workshop_instructors.c.user_id.in_(ids))
    stmt = select(Workshop.title).where(
        Workshop.starts_at < ends, Workshop.ends_at > starts,
        or_(func.lower(Workshop.venue) == venue.lower(), Workshop.id.in_(teaching)),
    )
    if workshop_id is not None:
        stmt = stmt.where(Workshop.id != workshop_id)
    return db.session.scalar(stmt.limit(1))


def _checked(course: Course, data: WorkshopInput, workshop: Workshop | None) -> tuple[datetime, datetime, list[User]]:
    zone(data.timezone)
    starts = to_utc(data.starts_local, data.timezone, "starts_local")
    ends = to_utc(data.ends_local, data.timezone, "ends_local")
    if ends <= starts:
        raise PracticalError("The end must be after the start.", "ends_local")
    if starts <= utcnow() and (workshop is None or workshop.starts_at != starts):
        raise PracticalError("A session cannot start in the past.", "starts_local")
    if (ends - starts).days >= 7:
        raise PracticalError("A session lasts less than a week; schedule separate sessions.", "ends_local")
    instructors = _instructors(data.instructor_ids)
    if data.ratio < 1:
        raise PracticalError("The ratio is at least one trainee per instructor.", "ratio")
    if data.capacity < 1:
        raise PracticalError("A session has at least one seat.", "capacity")
    if data.capacity > data.ratio * len(instructors):
        raise PracticalError(
            f"{len(instructors)} instructor(s) at 1:{data.ratio} can supervise at most "
            f"{data.ratio * len(instructors)} trainees; lower the capacity or add instructors.", "capacity")
    if workshop is not None and data.capacity < (taken := confirmed_count(workshop.id)):
        raise PracticalError(f"{taken} seats are already confirmed; the capacity cannot be lower.", "capacity")
    module_ids = {m.id for m in course.modules}
    if not set(data.required_module_ids) <= module_ids:
        raise PracticalError("Choose modules of this course.", "required_module_ids")
    clash = _overlap(workshop.id if workshop else None, data.venue, starts, ends, {u.id for u in instructors})
    if clash is not None:
        raise PracticalError(f"This overlaps \u201c{clash}\u201d at the same venue or with the same instructor.",
                             "starts_local")
    return starts, ends, instructors


def _snapshot(w: Workshop) -> dict:
    return {
        "title": w.title, "venue": w.venue, "address": w.address, "timezone": w.timezone,
        "starts_at": w.starts_at.isoformat(), "ends_at": w.ends_at.isoformat(), "capacity": w.capacity,
        "ratio": w.ratio, "instructors": sorted(u.id for u in w.instructors),
        "required_module_ids": sorted(w.required_module_ids or []),
    }


def save_workshop(course: Course, data: WorkshopInput, *, actor, workshop: Workshop | None = None) -> Workshop:
    """Create or change a workshop after every check; audited with what changed (flushes)."""
    from training.practical.seats import fill_free_seats, lock_workshop

    if workshop is not None:
        workshop = lock_workshop(workshop.id)
    starts, ends, instructors = _checked(course, data, workshop)
    before = _snapshot(workshop) if workshop is not None else None
    if workshop is None:
        workshop = Workshop(course_id=course.id)
        db.session.add(workshop)
    workshop.title, workshop.venue, workshop.address = data.title.strip(), data.venue.strip(), data.address.strip()
    workshop.timezone, workshop.starts_at, workshop.ends_at = data.timezone, starts, ends
    workshop.capacity, workshop.ratio = data.capacity, data.ratio
    workshop.instructors = instructors
    workshop.required_module_ids = sorted(int(i) for i in data.required_module_ids)
    db.session.flush()
    after = _snapshot(workshop)
    changes = {k: [before[k], v] for k, v in after.items() if before and before[k] != v} if before else after
    record_event("workshop.created" if before is None else "workshop.updated", f"workshop:{workshop.id}",
                 {"course": course.code, "changes" if before else "workshop": changes}, actor=actor)
    if before is not None:
        fill_free_seats(workshop, actor=actor)
    return workshop


def upcoming_for_courses(course_ids: Sequence[int]) -> list[Workshop]:
    """Workshops of these courses that have not started, soonest first, with instructors loaded."""
    if not course_ids:
        return []
    return list(db.session.scalars(
        select(Workshop).where(Workshop.course_id.in_(list(course_ids)), Workshop.starts_at > utcnow())
        .options(selectinload(Workshop.instructors), selectinload(Workshop.course))
        .order_by(Workshop.starts_at, Workshop.id)
    ))


def seat_counts(workshop_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """{workshop id: {"confirmed": n, "waitlisted": n}} in one query."""
    counts: dict[int, dict[str, int]] = {i: {"confirmed": 0, "waitlisted": 0} for i in workshop_ids}
    if workshop_ids:
        rows = db.session.execute(
            select(Seat.workshop_id, Seat.status, func.count())
            .where(Seat.workshop_id.in_(list(workshop_ids)), Seat.status != SeatStatus.CANCELLED.value)
            .group_by(Seat.workshop_id, Seat.status)
        )
        for workshop_id, status, n in rows:
            counts[workshop_id][status] = n
    return counts
