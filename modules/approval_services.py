"""Recording and correcting course approvals by boards; every change is audited with a diff.

Approvals are never deleted: certificates and board rosters refer to them. An approval that
ends is given a ``valid_to`` date; a wrong number is corrected in place, with the change on
record in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from modules.approvals import CourseApproval
from modules.models import Course
from training.audit.changes import record_changes, snapshot
from training.errors import RuleViolation
from training.extensions import db

JURISDICTION_CODE = re.compile(r"^[A-Z]{2}$")
MAX_AREAS = 20


class ApprovalError(RuleViolation):
    """A rule about approvals was broken; ``field`` names the form field concerned."""


@dataclass(frozen=True)
class ApprovalValues:
    board: str
    jurisdiction: str
    provider_number: str
    approval_number: str
    hours_approved: Decimal
    subject_areas: list[dict]
    valid_from: date
    valid_to: date | None


def parse_subject_areas(text: str, hours: Decimal | None) -> list[dict]:
    """'Area: hours' lines -> [{"area", "hours"}]; blank means all hours under "General"."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return [{"area": "General", "hours": _text(hours)}] if hours else []
    if len(lines) > MAX_AREAS:
        raise ApprovalError(f"List at most {MAX_AREAS} subject areas.", "subject_areas")
    areas = []
    for number, line in enumerate(lines, 1):
        area, sep, amount = line.rpartition(":")
        try:
            value = Decimal(amount.strip()) if sep else None
        except ArithmeticError:
            value = None
        if not area.strip() or value is None or not value.is_finite() or value <= 0 or len(area) > 100:
            raise ApprovalError(f"Line {number}: write 'Subject area: hours', e.g. 'Dry needling: 24'.",
                                "subject_areas")
        areas.append({"area": area.strip(), "hours": _text(value)})
    if hours is not None and hours > 0 and sum(Decimal(a["hours"]) for a in areas) != hours:
        raise ApprovalError("The subject areas' hours must add up to the hours approved.", "subject_areas")
    return areas


def _text(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _check(values: ApprovalValues) -> None:
    if not JURISDICTION_CODE.match(values.jurisdiction):
        raise ApprovalError("Use the two-letter code of the board's state, e.g. FL.", "jurisdiction")
    if values.valid_to is not None and values.valid_to < values.valid_from:
        raise ApprovalError("The approval cannot end before it starts.", "valid_to")
    if not values.hours_approved.is_finite() or values.hours_approved <= 0 or values.hours_approved > 1000:
        raise ApprovalError("Enter the hours the board approved (more than 0, at most 1000).", "hours_approved")


#: what an approval record says; each change is audited old -> new
APPROVAL_FIELDS = ("board", "jurisdiction", "provider_number", "approval_number", "hours_approved",
                   "subject_areas", "valid_from", "valid_to")


def _refuse_duplicate(course: Course, values: ApprovalValues, approval_id: int | None) -> None:
    existing = db.session.scalar(select(CourseApproval.id).where(
        CourseApproval.course_id == course.id, CourseApproval.board == values.board,
        CourseApproval.approval_number == values.approval_number,
    ))
    if existing is not None and existing != approval_id:
        raise ApprovalError("This board's approval number is already recorded for the course.", "approval_number")


def save_approval(course: Course, values: ApprovalValues, *, by, approval: CourseApproval | None = None
                  ) -> CourseApproval:
    """Create or correct an approval; audited with what changed. Flushes, the caller commits."""
    _check(values)
    _refuse_duplicate(course, values, approval.id if approval else None)
    is_new = approval is None
    before = {} if is_new else snapshot(approval, APPROVAL_FIELDS)
    if is_new:
        approval = CourseApproval(course_id=course.id)
        db.session.add(approval)
    for name, value in values.__dict__.items():
        setattr(approval, name, value)
    db.session.flush()
    record_changes("course.approval_added" if is_new else "course.approval_saved", f"course:{course.code}",
                   before, snapshot(approval, APPROVAL_FIELDS), actor=by, approval_id=approval.id)
    return approval


def approvals_of(course_id: int) -> list[CourseApproval]:
    return list(db.session.scalars(select(CourseApproval).where(CourseApproval.course_id == course_id)
                                   .order_by(CourseApproval.board, CourseApproval.valid_from)))


def approvals_valid_on(course_id: int, day: date) -> list[CourseApproval]:
    """The course's approvals in force on ``day`` (what a certificate completed that day prints)."""
    return [a for a in approvals_of(course_id) if a.valid_on(day)]
