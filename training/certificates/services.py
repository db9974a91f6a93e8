"""Issuing, revoking and re-issuing CE certificates (these flush; the caller commits).

Hours printed on a certificate:
- online contact hours: ``course.contact_hours`` at issue when the seat-time rule was met for
  every lesson; otherwise only the stated hours of the lessons that met it
  (``training.progress.hours``). The measured active hours and the lessons that met the
  rule are frozen with them;
- in-person practical hours: the hours the instructor attested on the passing sign-off (what
  was actually supervised and evaluated), capped at the course's approved practical hours when
  the course states them, so a certificate never awards more credit than the course is approved
  for. A course without a passing sign-off prints 0 practical hours.
CEUs follow from the total (``snapshot.credit_fields``: 1 CEU = 10 contact hours, tenths down).

The completion date is the day the rules were found met (``Enrolment.completed_at``); a
re-issue keeps it and gets a new issue date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from modules.approval_services import approvals_valid_on
from modules.models import Course
from training.audit import record_event
from training.certificates.keys import signing_key
from training.certificates.models import Certificate
from training.certificates.signing import sign
from training.certificates.snapshot import (
    CertificateSnapshot,
    canonical_json,
    credit_fields,
    format_hours,
    format_issued_at,
    new_serial,
    new_verification_code,
)
from training.database import utcnow
from training.extensions import db
from training.progress.engine import course_progress
from training.progress.hours import OnlineHours, online_hours
from training.progress.services import latest_passing_signoff, lock_enrolment

MAX_REASON = 500


class CertificateError(ValueError):
    """A certificate rule was broken; ``field`` names the form field concerned."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The live certificate of a trainee and course (revoked ones stay live: never re-issued)."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id,
            Certificate.is_current.is_(True),
        )
    )


def practical_hours(course: Course, user_id: int) -> Decimal:
    """In-person hours for the certificate (see the module docstring for why)."""
    signoff = latest_passing_signoff(user_id, course.id)
    if signoff is None:
        return Decimal(0)
    hours = Decimal(signoff.hours)
    approved = Decimal(course.practical_hours or 0)
    return min(hours, approved) if approved > 0 else hours


def build_snapshot(
    user, course: Course, *, serial: str, code: str, practical: Decimal,
    completion_date: date, issued_at: datetime, supersedes: str = "",
    online: OnlineHours | None = None,
) -> CertificateSnapshot:
    """Everything the certificate prints, copied from the profile and course as they are now.

    ``online`` is the measured time; without it the course's stated hours are printed.
    """
    approved = Decimal(course.contact_hours or 0)
    return CertificateSnapshot(
        serial=serial,
        verification_code=code,
        trainee_name=user.name,
        trainee_first_name=user.first_name,
        trainee_last_name=user.last_name,
        profession=user.profession_label,
        license_number=user.license_number or "",
        license_state=user.license_state or "",
        course_code=course.code,
        course_title=course.title,
        provider=course.provider or "",
        approval_number=course.approval_number or "",
        **credit_fields(approved if online is None else online.credited_hours(approved),
                        practical),
        completion_date=completion_date.isoformat(),
        issued_at=format_issued_at(issued_at.replace(tzinfo=UTC)),
        supersedes=supersedes,
        online_active_hours=None if online is None else f"{online.active_hours:.2f}",
        seat_time_lessons_met=(None if online is None
                               else f"{online.lessons_met}/{online.lessons}"),
        board_approvals=approvals_text(approvals_valid_on(course.id, completion_date)) or None,
    )


def approvals_text(approvals) -> str:
    """How a certificate prints the boards' approvals, e.g. "Florida Board (FL) no. 20-1234, 24 h"."""
    return "; ".join(
        f"{a.board} ({a.jurisdiction}) no. {a.approval_number}, {format_hours(Decimal(a.hours_approved))} h"
        for a in approvals
    )


def _create(user, course: Course, *, completion_date: date, issued_at: datetime,
            supersedes: Certificate | None = None) -> Certificate | None:
    """Insert, number and sign a new live certificate; None if one is live already.

    The row goes in inside a savepoint first: the partial unique index on live certificates
    refuses a second one, and only the savepoint is rolled back, not the caller's work.
    The serial is then taken from the row id, which is unique without any counter to race on.
    """
    key = signing_key()
    code = new_verification_code()
    certificate = Certificate(
        serial=f"PENDING-{code}", verification_code=code, user_id=user.id, course_id=course.id,
        snapshot={}, signature="", key_fingerprint=key.fingerprint,
        completion_date=completion_date, issued_at=issued_at, is_current=True,
        supersedes_id=supersedes.id if supersedes is not None else None,
        profession=user.profession or "", license_state=user.license_state or "",
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        return None
    certificate.serial = new_serial(issued_at.year, certificate.id)
    snapshot = build_snapshot(
        user, course, serial=certificate.serial, code=code,
        practical=practical_hours(course, user.id), completion_date=completion_date,
        online=online_hours(course_progress(course, user.id)),
        issued_at=issued_at, supersedes=supersedes.serial if supersedes is not None else "",
    )
    certificate.snapshot = snapshot.to_dict()
    certificate.signature = sign(key.private, canonical_json(snapshot))
    db.session.flush()
    return certificate


def issue_certificate_if_complete(user, course: Course, *, trigger: str = "") -> Certificate | None:
    """The trainee's live certificate for ``course``, issued now if every rule has just been met.

    Safe to call on every event: exactly one certificate per trainee and course results, even
    when two requests complete the course at the same moment (row lock, then unique index).
    """
    existing = current_certificate(user.id, course.id)
    if existing is not None:
        return existing
    enrolment = lock_enrolment(user.id, course.id)
    if enrolment is None:
        return None
    existing = current_certificate(user.id, course.id)  # issued while we waited for the lock
    if existing is not None:
        return existing
    if not course_progress(course, user.id).complete:
        return None
    now = utcnow().replace(microsecond=0)
    completed = enrolment.completed_at or now
    certificate = _create(user, course, completion_date=completed.date(), issued_at=now)
    if certificate is None:  # a concurrent request won the unique index
        return current_certificate(user.id, course.id)
    enrolment.completed_at = completed
    record_event(
        "certificate.issued", f"certificate:{certificate.serial}",
        {"user_id": user.id, "course": course.code, "trigger": trigger},
    )
    db.session.flush()
    return certificate


def _checked_reason(reason: str | None, by) -> str:
    if by is None or not by.has_role("admin"):
        raise CertificateError("Only administrators can revoke or re-issue certificates.")
    text = " ".join((reason or "").split())
    if not text:
        raise CertificateError("Give a reason.", "reason")
    if len(text) > MAX_REASON:
        raise CertificateError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    return text


def revoke(certificate: Certificate, reason: str, by) -> None:
    """Revoke with a reason; the verification page keeps answering, now "revoked"."""
    reason = _checked_reason(reason, by)
    db.session.refresh(certificate, with_for_update=True)  # two admins at once: one wins
    if certificate.revoked_at is not None:
        raise CertificateError("This certificate is already revoked.")
    certificate.revoked_at = utcnow().replace(microsecond=0)
    certificate.revocation_reason = reason
    certificate.revoked_by_id = by.id
    record_event("certificate.revoked", f"certificate:{certificate.serial}",
                 {"reason": reason, "user_id": certificate.user_id}, actor=by)
    db.session.flush()


def reissue(certificate: Certificate, reason: str, by) -> Certificate:
    """Replace a live certificate with a new serial built from today's profile and course.

    The old one stays verifiable and says "superseded"; both point at each other.
    """
    reason = _checked_reason(reason, by)
    db.session.refresh(certificate, with_for_update=True)
    if certificate.revoked_at is not None:
        raise CertificateError("A revoked certificate cannot be re-issued.")
    if not certificate.is_current:
        raise CertificateError("This certificate has already been replaced.")
    certificate.is_current = False
    db.session.flush()  # frees the live slot in the unique index for the replacement
    replacement = _create(
        certificate.user, certificate.course, completion_date=certificate.completion_date,
        issued_at=utcnow().replace(microsecond=0), supersedes=certificate,
    )
    if replacement is None:
        raise CertificateError("Another re-issue happened at the same time; reload the page.")
    certificate.superseded_by_id = replacement.id
    record_event("certificate.reissued", f"certificate:{replacement.serial}",
                 {"replaces": certificate.serial, "reason": reason,
                  "user_id": certificate.user_id}, actor=by)
    db.session.flush()
    return replacement
