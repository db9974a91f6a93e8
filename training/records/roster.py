"""Board rosters (CE Broker) and the completions past a board's reporting deadline.

A completion belongs on a board's roster when the trainee's live, unrevoked certificate was
completed in the period, the course held an approval from that board on the completion day,
and the trainee's license (as frozen on the certificate) is from the board's state. One row is
written per subject area of the approval, because CE Broker takes partial credit as subject
area plus hours.

Everything printed comes from the certificate snapshot (what was certified), except the name
parts: CE Broker matches first and last names, so the account's given and family names are used
as entered when both are set; otherwise the certified full name is split at its first space,
and the roster says how many rows rely on that split so the auditor can check them first.
An exported roster counts as the report to the board: the first export of a completion for an
approval is recorded (``BoardReport``), and the deadline list measures against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from modules.approvals import CourseApproval
from training.audit import record_event
from training.auth.models import User
from training.certificates.models import Certificate
from training.database import utcnow
from training.extensions import db
from training.jurisdictions.models import Jurisdiction
from training.records.models import BoardReport

#: CE Broker's columns for a provider roster, in upload order: (key, header)
ROSTER_COLUMNS: list[tuple[str, str]] = [
    ("provider_tracking_number", "Provider tracking number"),
    ("course_tracking_number", "Course tracking number"),
    ("license_number", "Licensee license number"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("completion_date", "Completion date"),
    ("state", "State"),
    ("profession_code", "Profession code"),
    ("subject_area", "Subject area"),
    ("hours", "Hours"),
]
#: profession (as stored) -> the licence type code boards use for it
PROFESSION_CODES = {"physical_therapist": "PT", "chiropractor": "DC", "medical_doctor": "MD"}
MAX_DAYS = 366


@dataclass(frozen=True)
class Completion:
    certificate: Certificate
    approval: CourseApproval
    user: User
    reported_at: object | None


def _matching(jurisdiction: Jurisdiction, start: date | None = None, end: date | None = None):
    """Live certificates with an approval of ``jurisdiction`` valid on their completion day."""
    stmt = (
        select(Certificate, CourseApproval, User, BoardReport.reported_at)
        .join(CourseApproval, and_(
            CourseApproval.course_id == Certificate.course_id,
            CourseApproval.jurisdiction == jurisdiction.code,
            CourseApproval.valid_from <= Certificate.completion_date,
            or_(CourseApproval.valid_to.is_(None), CourseApproval.valid_to >= Certificate.completion_date),
        ))
        .join(User, User.id == Certificate.user_id)
        .outerjoin(BoardReport, and_(BoardReport.certificate_id == Certificate.id,
                                     BoardReport.approval_id == CourseApproval.id))
        .where(Certificate.is_current.is_(True), Certificate.revoked_at.is_(None),
               or_(func.upper(Certificate.license_state) == jurisdiction.code,
                   func.lower(Certificate.license_state) == jurisdiction.name.lower()))
        .order_by(Certificate.completion_date, Certificate.id, CourseApproval.id)
    )
    if start is not None:
        stmt = stmt.where(Certificate.completion_date >= start)
    if end is not None:
        stmt = stmt.where(Certificate.completion_date <= end)
    return [Completion(*row) for row in db.session.execute(stmt).all()]


def _names(user: User, snapshot: dict) -> tuple[str, str, bool]:
    """(first, last, split): the account's given and family names as entered when it has both,
    otherwise the certified full name split at its first space (``split`` is then True)."""
    given = getattr(user, "given_names", "") or getattr(user, "given_name", "")
    family = getattr(user, "family_name", "")
    if given and family:
        return given, family, False
    first, _, last = snapshot["trainee_name"].strip().partition(" ")
    return first, last.strip(), True


def roster_rows(completions: list[Completion], jurisdiction: Jurisdiction) -> tuple[list[dict], int]:
    """The roster's rows, and how many of them carry names split from the full name."""
    rows, split_rows = [], 0
    for item in completions:
        snap = item.certificate.snapshot
        first, last, split = _names(item.user, snap)
        areas = item.approval.subject_areas or [{"area": "General", "hours": str(item.approval.hours_approved)}]
        for area in areas:
            rows.append({
                "provider_tracking_number": item.approval.provider_number,
                "course_tracking_number": item.approval.approval_number,
                "license_number": snap["license_number"],
                "first_name": first,
                "last_name": last,
                "completion_date": item.certificate.completion_date.strftime("%m/%d/%Y"),
                "state": jurisdiction.code,
                "profession_code": PROFESSION_CODES.get(item.certificate.profession, ""),
                "subject_area": area["area"],
                "hours": area["hours"],
            })
            split_rows += split
    return rows, split_rows


def roster(jurisdiction: Jurisdiction, start: date, end: date) -> tuple[list[Completion], list[dict], int]:
    completions = _matching(jurisdiction, start, end)
    rows, split_rows = roster_rows(completions, jurisdiction)
    return completions, rows, split_rows


def record_roster_export(jurisdiction: Jurisdiction, start: date, end: date, completions: list[Completion],
                         rows: int, *, by) -> None:
    """Audit the export and note each completion's first report. Flushes; the caller commits."""
    now = utcnow().replace(microsecond=0)
    for item in completions:
        if item.reported_at is None:
            db.session.add(BoardReport(certificate_id=item.certificate.id, approval_id=item.approval.id,
                                       reported_at=now, reported_by_id=by.id))
    record_event("board_roster.exported", f"jurisdiction:{jurisdiction.code}", {
        "from": start.isoformat(), "to": end.isoformat(), "rows": rows,
        "certificates": sorted({item.certificate.serial for item in completions}),
    }, actor=by)
    db.session.flush()


@dataclass(frozen=True)
class LateCompletion:
    completion: Completion
    due: date
    #: days past the due date (today for unreported ones, the report day for late reports)
    days_late: int


def past_deadline(jurisdiction: Jurisdiction, today: date) -> list[LateCompletion]:
    """Completions not reported by the board's deadline: unreported and overdue, or reported late."""
    if not jurisdiction.reporting_deadline_days:
        return []
    late = []
    for item in _matching(jurisdiction):
        due = item.certificate.completion_date + timedelta(days=jurisdiction.reporting_deadline_days)
        reported = item.reported_at.date() if item.reported_at is not None else None
        measured = reported or today
        if measured > due:
            late.append(LateCompletion(item, due, (measured - due).days))
    return late
