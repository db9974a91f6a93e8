"""Expiry reminders 90, 60, 30 and 7 days ahead, each queued once per certificate.

A periodic job (and ``flask certificates send-reminders``) picks the due reminders with the
pure :func:`expiry.reminders_due`, records each in ``certificate_expiry_reminders`` (its unique
key makes "once" hold even when two workers run the job) and queues the mail in the same
transaction, so a reminder is recorded if and only if its mail is queued.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.certificates.expiry import Expiring, reminders_due
from training.certificates.models import (
    REMINDER_DAYS,
    Certificate,
    CertificateStatus,
    ExpiryReminder,
    RecertificationRule,
)
from training.database import utcnow
from training.extensions import db
from training.notifications.services import queue_email
from training.urls import public_url


def queue_expiry_reminders(today: date | None = None) -> int:
    """Queue every reminder due today; returns how many were queued."""
    today = today or utcnow().date()
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.status == CertificateStatus.VALID,
               Certificate.expires_on.between(today, today + timedelta(days=max(REMINDER_DAYS))))
        .options(joinedload(Certificate.user), joinedload(Certificate.course))
    ).all()
    if not certificates:
        return 0
    by_id = {c.id: c for c in certificates}
    queued = {(row.certificate_id, row.days_before) for row in db.session.execute(
        select(ExpiryReminder.certificate_id, ExpiryReminder.days_before)
        .where(ExpiryReminder.certificate_id.in_(by_id)))}
    due = reminders_due([Expiring(c.id, c.expires_on) for c in certificates], today, queued)
    rules = {r.course_id: r for r in db.session.scalars(
        select(RecertificationRule).where(RecertificationRule.course_id.in_(
            {c.course_id for c in certificates}))
        .options(joinedload(RecertificationRule.refresher_course)))}
    for certificate_id, days in due:
        certificate = by_id[certificate_id]
        db.session.add(ExpiryReminder(certificate_id=certificate_id, days_before=days))
        _queue(certificate, days, (certificate.expires_on - today).days, rules.get(certificate.course_id))
    db.session.flush()
    return len(due)


def _renewal_text(rule: RecertificationRule | None) -> str:
    if rule is None:
        return "Complete the course again to receive a new certificate."
    paths = []
    if rule.refresher_course is not None:
        paths.append(f"complete the refresher course {rule.refresher_course.code} "
                     f"({rule.refresher_course.title})")
    if rule.ce_hours:
        paths.append(f"earn {rule.ce_hours} CE hours in {', '.join(rule.ce_course_codes or [])}")
    return ("To renew, " + " or ".join(paths) + " before it expires.") if paths else (
        "Complete the course again to receive a new certificate.")


def _queue(certificate: Certificate, lead: int, days_left: int, rule) -> None:
    snap = certificate.snapshot
    queue_email(
        to=certificate.user,
        template="credential_expiring",
        context={
            "name": certificate.user.name,
            "course_title": snap["course_title"],
            "serial": certificate.serial,
            "expires_on": certificate.expires_on.isoformat(),
            "days_left": days_left,
            "renewal": _renewal_text(rule),
            "dashboard_link": public_url("progress.dashboard"),
            "verify_link": public_url("verify.certificate", code=certificate.verification_code),
            "preferences_link": public_url("notifications.preferences"),
        },
        dedupe_key=f"credential-expiring:{certificate.id}:{lead}",
        optional_kind="credential_expiring",
    )
