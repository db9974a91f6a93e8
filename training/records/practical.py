"""The in-person practical on a trainee's record, and its audited CSV export for auditors.

Every fact is shown as recorded: cancelled bookings, replaced attendance entries next to
their corrections (who, when, why), every assessment of every skill, every supervised log
with its decision. The export lays the same facts out one row per fact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from modules.models import Course
from training.audit import record_event
from training.extensions import db
from training.practical.attendance import attendance_history
from training.practical.models import Assessment as SkillAssessment
from training.practical.models import AttendanceEntry, Seat, SupervisedSession, Workshop
from training.practical.providers import hours_text
from training.practical.rubric import assessment_history
from training.practical.supervised import logs_of
from training.records.csv_safe import iter_csv

PRACTICAL_COLUMNS = [
    ("kind", "Kind"), ("course", "Course"), ("on", "Date"), ("what", "What"), ("result", "Result"),
    ("by", "Recorded by"), ("recorded_at", "Recorded at (UTC)"), ("status", "Status"), ("reason", "Reason or notes"),
]


@dataclass(frozen=True)
class PracticalRecord:
    seats: list[Seat]
    attendance: list[AttendanceEntry]
    assessments: list[SkillAssessment]
    supervised: list[SupervisedSession]

    @property
    def empty(self) -> bool:
        return not (self.seats or self.attendance or self.assessments or self.supervised)


def practical_record(user_id: int) -> PracticalRecord:
    """Everything of the practical on file for the trainee, in a fixed number of queries."""
    seats = db.session.scalars(
        select(Seat).join(Workshop).where(Seat.user_id == user_id)
        .options(joinedload(Seat.workshop).joinedload(Workshop.course))
        .order_by(Workshop.starts_at, Seat.id)
    ).all()
    return PracticalRecord(list(seats), attendance_history(user_id), assessment_history(user_id), logs_of(user_id))


def _rows(record: PracticalRecord, codes: dict[int, str]) -> Iterator[dict]:
    for s in record.seats:
        yield {"kind": "booking", "course": s.workshop.course.code, "on": s.workshop.starts_at.date(),
               "what": f"{s.workshop.title}, {s.workshop.venue}", "result": s.status, "by": "",
               "recorded_at": s.requested_at, "status": "promoted from waitlist" if s.promoted_at else "",
               "reason": ""}
    for e in record.attendance:
        yield {"kind": "attendance", "course": codes.get(e.course_id, ""), "on": e.day,
               "what": e.workshop.title if e.workshop else "hours attested on a practical sign-off",
               "result": f"{hours_text(e.minutes)} h", "by": e.recorded_by_name, "recorded_at": e.recorded_at,
               "status": "replaced by a correction" if e.replaced else "current", "reason": e.reason}
    for a in record.assessments:
        met = sum(1 for r in a.results if r.get("met"))
        yield {"kind": "assessment", "course": codes.get(a.course_id, ""), "on": a.assessed_at.date(),
               "what": a.skill.title, "result": a.outcome, "by": a.assessor_name, "recorded_at": a.assessed_at,
               "status": f"{met} of {len(a.results)} criteria met", "reason": a.notes}
    for log in record.supervised:
        yield {"kind": "supervised session", "course": log.course.code, "on": log.treated_on,
               "what": f"{log.setting}: {log.region}", "result": log.status, "by": log.supervisor.name,
               "recorded_at": log.decided_at or log.created_at, "status": "", "reason": log.decision_note}


def prepare_practical_export(user, actor) -> tuple[str, Iterator[str]]:
    """Audit the export of one trainee's practical, then hand back the filename and CSV lines."""
    record = practical_record(user.id)
    codes = dict(db.session.execute(select(Course.id, Course.code)).all())
    rows = list(_rows(record, codes))
    record_event("practical.exported", f"user:{user.id}", {"rows": len(rows), "format": "csv"}, actor=actor)
    return f"practical_user-{user.id}.csv", iter_csv(rows, bom=True, columns=PRACTICAL_COLUMNS)
