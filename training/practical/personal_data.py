"""The practical's part of a person's data: what they can download, and what erasure removes.

Bookings, attendance, assessments and supervised logs of a course whose CE record is under
legal hold are kept with it; the rest goes. Logs the person countersigned as a supervisor
belong to the trainee's record and stay.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, select

from training.extensions import db
from training.practical.models import Assessment, AttendanceEntry, Seat, SupervisedSession, Workshop


def _iso(value):
    return None if value is None else value.isoformat()


def collect_practical(user) -> list[dict]:
    """Every booking, attendance entry, assessment and supervised log of ``user`` (four queries)."""
    rows: list[dict] = []
    for seat, workshop in db.session.execute(
        select(Seat, Workshop).join(Workshop).where(Seat.user_id == user.id).order_by(Seat.id)
    ):
        rows.append({"kind": "booking", "workshop": workshop.title, "starts_at": _iso(workshop.starts_at),
                     "status": seat.status, "requested_at": _iso(seat.requested_at)})
    for e in db.session.scalars(select(AttendanceEntry).where(AttendanceEntry.user_id == user.id)
                                .order_by(AttendanceEntry.id)):
        rows.append({"kind": "attendance", "day": _iso(e.day), "check_in_at": _iso(e.check_in_at),
                     "check_out_at": _iso(e.check_out_at), "minutes": e.minutes, "replaced": e.replaced,
                     "reason": e.reason})
    for a in db.session.scalars(select(Assessment).where(Assessment.trainee_id == user.id).order_by(Assessment.id)):
        rows.append({"kind": "assessment", "skill_id": a.skill_id, "outcome": a.outcome, "results": a.results,
                     "notes": a.notes, "assessed_at": _iso(a.assessed_at), "assessor": a.assessor_name})
    for log in db.session.scalars(select(SupervisedSession).where(SupervisedSession.trainee_id == user.id)
                                  .order_by(SupervisedSession.id)):
        rows.append({"kind": "supervised session", "treated_on": _iso(log.treated_on), "setting": log.setting,
                     "region": log.region, "status": log.status, "decided_at": _iso(log.decided_at)})
    return rows


def erase_practical(user_id: int, held_course_ids: Collection[int]) -> dict[str, int]:
    """Delete the person's practical records outside courses under hold; counts per kind."""
    held = list(held_course_ids)
    in_held = select(Workshop.id).where(Workshop.course_id.in_(held))
    counts = {
        "workshop_seats": db.session.execute(
            delete(Seat).where(Seat.user_id == user_id, Seat.workshop_id.not_in(in_held))).rowcount,
        "skill_assessments": db.session.execute(
            delete(Assessment).where(Assessment.trainee_id == user_id, Assessment.course_id.not_in(held))).rowcount,
        "supervised_sessions": db.session.execute(
            delete(SupervisedSession).where(SupervisedSession.trainee_id == user_id,
                                            SupervisedSession.course_id.not_in(held))).rowcount,
    }
    # a correction points at the entry it replaced: delete the newest first
    entries = db.session.scalars(
        select(AttendanceEntry).where(AttendanceEntry.user_id == user_id, AttendanceEntry.course_id.not_in(held))
        .order_by(AttendanceEntry.id.desc())
    ).all()
    for entry in entries:
        db.session.delete(entry)
        db.session.flush()
    counts["workshop_attendance"] = len(entries)
    return counts
