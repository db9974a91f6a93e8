"""Issuing, revoking and re-issuing CE certificates (these flush; the caller commits).

Hours printed on a certificate:
- online contact hours: ``course.contact_hours`` at issue when the seat-time rule was met for
  every lesson; otherwise only the stated hours of the lessons that met it
  (``training.progress.hours``). The measured active hours and the lessons that met the
  rule are frozen with them;
- in-person practical hours: the hours attended at the course's workshops (check-in to
  check-out, corrections applied; hours attested on a sign-off before workshops existed
  count as recorded), as the attendance step's evidence gives them, capped at the course's
  approved practical hours when the course states them, so a certificate never awards more
  credit than the course is approved for. A course without attendance prints 0;
- the practical skills: the rubric skills assessed competent, frozen with the hours.
CEUs follow from the total (``snapshot.credit_fields``: 1 CEU = 10 contact hours, tenths down).

The completion date is the day the rules were found met (``Enrolment.completed_at``); a
re-issue keeps it and gets a new issue date. The expiry date is frozen at issue from the
course's recertification rule (``expiry.expiry_date``).

Every act on a certificate is a :class:`CertificateEvent` (its public history) and an audit
entry; revocation reversal and suspension live in :mod:`training.certificates.corrections`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from modules.approval_services import approvals_valid_on
from modules.content_cache import course_tree_by_id
from modules.models import Course
from training.audit import record_event
from training.certificates.expiry import expiry_date
from training.certificates.keyring import register_active_key
from training.certificates.keys import signing_key  # noqa: F401 - the key in force, for callers
from training.certificates.models import Certificate, CertificateAction, CertificateEvent
from training.certificates.signals import certificate_issued
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
from training.errors import RuleViolation
from training.extensions import db
from training.practical.models import Assessment, Outcome
from training.progress.engine import MODULE_STEP_KINDS, course_progress
from training.progress.hours import OnlineHours, online_hours
from training.progress.services import lock_enrolment

MAX_REASON = 500


class CertificateError(RuleViolation):
    """A certificate rule was broken; ``field`` names the form field concerned."""


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The live certificate of a trainee and course (revoked ones stay live: never re-issued)."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id,
            Certificate.is_current.is_(True),
        )
    )


def practical_evidence(course: Course, user_id: int) -> tuple[Decimal, list[str]]:
    """In-person hours and competent skills for the certificate (see the module docstring)."""
    progress = course_progress(course, user_id)
    attendance, rubric = progress.step("attendance"), progress.step("rubric")
    hours = Decimal(attendance.evidence.get("hours", "0")) if attendance is not None else Decimal(0)
    approved = Decimal(course.practical_hours or 0)
    skills = list(rubric.evidence.get("competent_skills", [])) if rubric is not None else []
    return (min(hours, approved) if approved > 0 else hours), skills


def practical_hours(course: Course, user_id: int) -> Decimal:
    """In-person hours for the certificate (see the module docstring for why)."""
    return practical_evidence(course, user_id)[0]


def build_snapshot(
    user, course: Course, *, serial: str, code: str, practical: Decimal,
    completion_date: date, issued_at: datetime, supersedes: str = "", skills: list[str] | None = None,
    online: OnlineHours | None = None, expires_on: date | None = None, renews: str = "",
    renewal_online: Decimal | None = None,
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
        **credit_fields(renewal_online if renewal_online is not None
                        else approved if online is None else online.credited_hours(approved),
                        practical),
        completion_date=completion_date.isoformat(),
        issued_at=format_issued_at(issued_at.replace(tzinfo=UTC)),
        supersedes=supersedes,
        online_active_hours=None if online is None else f"{online.active_hours:.2f}",
        seat_time_lessons_met=(None if online is None
                               else f"{online.lessons_met}/{online.lessons}"),
        practical_skills="; ".join(skills) if skills else None,
        expires_on=expires_on.isoformat() if expires_on else None,
        renews=renews or None,
        board_approvals=approvals_text(approvals_valid_on(course.id, completion_date)) or None,
    )


def approvals_text(approvals) -> str:
    """How a certificate prints the boards' approvals, e.g. "Florida Board (FL) no. 20-1234, 24 h"."""
    return "; ".join(
        f"{a.board} ({a.jurisdiction}) no. {a.approval_number}, {format_hours(Decimal(a.hours_approved))} h"
        for a in approvals
    )


def record_act(certificate: Certificate, action: CertificateAction, reason: str = "", by=None,
               related: Certificate | None = None) -> CertificateEvent:
    """Add one act to the certificate's public history."""
    event = CertificateEvent(
        certificate_id=certificate.id, action=action.value, reason=reason,
        actor_id=by.id if by is not None else None,
        related_id=related.id if related is not None else None,
        at=utcnow().replace(microsecond=0),
    )
    db.session.add(event)
    return event


def _create(user, course: Course, *, completion_date: date, issued_at: datetime,
            supersedes: Certificate | None = None, renews: Certificate | None = None,
            hours: tuple[Decimal, Decimal] | None = None,
            expires_on: date | None = None) -> Certificate | None:
    """Insert, number and sign a new live certificate; None if one is live already.

    The row goes in inside a savepoint first: the partial unique index on live certificates
    refuses a second one, and only the savepoint is rolled back, not the caller's work.
    The serial is then taken from the row id, which is unique without any counter to race on.
    """
    key = register_active_key()
    code = new_verification_code()
    expires_on = expires_on or expiry_date(course.id, completion_date)
    certificate = Certificate(
        serial=f"PENDING-{code}", verification_code=code, user_id=user.id, course_id=course.id,
        snapshot={}, signature="", key_fingerprint=key.fingerprint,
        completion_date=completion_date, issued_at=issued_at, is_current=True,
        expires_on=expires_on,
        supersedes_id=(supersedes or renews).id if (supersedes or renews) is not None else None,
        profession=user.profession or "", license_state=user.license_state or "",
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        return None
    certificate.serial = new_serial(issued_at.year, certificate.id)
    attended, skills = practical_evidence(course, user.id)
    snapshot = build_snapshot(
        user, course, serial=certificate.serial, code=code,
        practical=hours[1] if hours is not None else attended, skills=skills,
        online=None if hours is not None else online_hours(course_progress(course, user.id)),
        renewal_online=hours[0] if hours is not None else None,
        completion_date=completion_date, issued_at=issued_at,
        supersedes=supersedes.serial if supersedes is not None else "",
        expires_on=expires_on, renews=renews.serial if renews is not None else "",
    )
    certificate.snapshot = snapshot.to_dict()
    certificate.signature = sign(key.private, canonical_json(snapshot))
    record_act(certificate, CertificateAction.RENEWED if renews else CertificateAction.ISSUED,
               related=supersedes or renews)
    db.session.flush()
    return certificate


def replace_certificate(old: Certificate, reason: str, by, **create_args) -> Certificate | None:
    """Free the live slot of ``old`` and issue its successor; both point at each other."""
    old.is_current = False
    db.session.flush()  # frees the live slot in the unique index for the replacement
    new = _create(old.user, old.course, **create_args)
    if new is None:
        return None
    old.superseded_by_id = new.id
    record_act(old, CertificateAction.SUPERSEDED, reason, by, related=new)
    return new


def issue_certificate_if_complete(user, course: Course, *, trigger: str = "") -> Certificate | None:
    """The trainee's live certificate for ``course``, issued now if every rule has just been met.

    Safe to call on every event: exactly one certificate per trainee and course results, even
    when two requests complete the course at the same moment (row lock, then unique index).
    """
    existing = current_certificate(user.id, course.id)
    if existing is not None:
        return existing  # a revoked one too: only an admin issues anew (reissue_after_revocation)
    enrolment = lock_enrolment(user.id, course.id)
    if enrolment is None:
        return None
    existing = current_certificate(user.id, course.id)  # issued while we waited for the lock
    if existing is not None:
        return existing
    # the course tree from the content cache: the check runs after every passed quiz and lesson.
    # While a lesson or module quiz is left the course cannot be complete, and those steps alone
    # say so: the practical's and the final examination's facts are read only once they are done
    tree = course_tree_by_id(course.id) or course
    if not course_progress(tree, user.id, kinds=MODULE_STEP_KINDS).complete:
        return None
    if not course_progress(tree, user.id).complete:
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
    certificate_issued.send(certificate)
    return certificate


def checked_reason(reason: str | None, by) -> str:
    """The reason of an admin's act, tidied; CertificateError if not an admin or no reason."""
    if by is None or not by.has_role("admin"):
        raise CertificateError("Only administrators can correct certificates.")
    text = " ".join((reason or "").split())
    if not text:
        raise CertificateError("Give a reason.", "reason")
    if len(text) > MAX_REASON:
        raise CertificateError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    return text


def revoke(certificate: Certificate, reason: str, by) -> None:
    """Revoke with a reason; the verification page keeps answering, now "revoked"."""
    reason = checked_reason(reason, by)
    db.session.refresh(certificate, with_for_update=True)  # two admins at once: one wins
    if certificate.revoked_at is not None:
        raise CertificateError("This certificate is already revoked.")
    certificate.revoked_at = utcnow().replace(microsecond=0)
    certificate.revocation_reason = reason
    certificate.revoked_by_id = by.id
    record_act(certificate, CertificateAction.REVOKED, reason, by)
    record_event("certificate.revoked", f"certificate:{certificate.serial}",
                 {"reason": reason, "user_id": certificate.user_id}, actor=by)
    db.session.flush()


def latest_competent_assessment(user_id: int, course_id: int) -> Assessment | None:
    """The trainee's most recent rubric assessment of "competent" in the course."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.trainee_id == user_id, Assessment.course_id == course_id,
               Assessment.outcome == Outcome.COMPETENT.value)
        .order_by(Assessment.assessed_at.desc(), Assessment.id.desc()).limit(1)
    )


def reassessed_since_revocation(certificate: Certificate) -> bool:
    """Whether a skill was assessed competent again after the certificate's revocation."""
    assessment = latest_competent_assessment(certificate.user_id, certificate.course_id)
    # revoked_at is kept to the second: an assessment counts only from the next second on
    return (certificate.revoked_at is not None and assessment is not None
            and assessment.assessed_at.replace(microsecond=0) > certificate.revoked_at)


def reissue_after_revocation(certificate: Certificate, reason: str, by) -> Certificate:
    """A new certificate after a revocation for cause, issued by an admin once the rules are met
    again: every course rule holds and a re-assessment (a skill assessed competent) was recorded after
    the revocation. Never automatic: the admin decides the cause has been dealt with."""
    reason = checked_reason(reason, by)
    db.session.refresh(certificate, with_for_update=True)
    if certificate.revoked_at is None:
        raise CertificateError("Only a revoked certificate is issued anew this way.")
    if not certificate.is_current:
        raise CertificateError("A new certificate has already been issued in its place.")
    enrolment = lock_enrolment(certificate.user_id, certificate.course_id)
    if not reassessed_since_revocation(certificate):
        raise CertificateError("The rules are not met again yet: record a re-assessment of the "
                               "practical (a skill assessed competent) after the revocation first.")
    if enrolment is None or not course_progress(certificate.course, certificate.user_id).complete:
        raise CertificateError("The rules are not met again yet: the trainee has not completed "
                               "every requirement of the course.")
    now = utcnow().replace(microsecond=0)
    assessment = latest_competent_assessment(certificate.user_id, certificate.course_id)
    new = replace_certificate(certificate, reason, by, completion_date=assessment.assessed_at.date(),
                   issued_at=now, supersedes=certificate)
    if new is None:
        raise CertificateError("Another certificate was issued at the same time; reload the page.")
    record_event("certificate.issued_after_revocation", f"certificate:{new.serial}",
                 {"revoked": certificate.serial, "user_id": certificate.user_id,
                  "reason": reason}, actor=by)
    db.session.flush()
    return new


def reissue(certificate: Certificate, reason: str, by) -> Certificate:
    """Replace a live certificate with a new serial built from today's profile and course.

    The old one stays verifiable and says "superseded"; both point at each other.
    """
    reason = checked_reason(reason, by)
    db.session.refresh(certificate, with_for_update=True)
    if certificate.revoked_at is not None:
        raise CertificateError("A revoked certificate cannot be re-issued.")
    if not certificate.is_current:
        raise CertificateError("This certificate has already been replaced.")
    replacement = replace_certificate(certificate, reason, by, completion_date=certificate.completion_date,
                           issued_at=utcnow().replace(microsecond=0), supersedes=certificate)
    if replacement is None:
        raise CertificateError("Another re-issue happened at the same time; reload the page.")
    record_event("certificate.reissued", f"certificate:{replacement.serial}",
                 {"replaces": certificate.serial, "reason": reason,
                  "user_id": certificate.user_id}, actor=by)
    db.session.flush()
    return replacement
