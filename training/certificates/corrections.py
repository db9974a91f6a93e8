"""Corrections with a trail: reversing a revocation made in error, suspending and lifting.

A suspension is a temporary hold (an investigation, an unpaid licence): the certificate shows as
suspended and its status-list bit is set until the hold is lifted. A revocation is final unless it
was made in error, when an admin reverses it with a reason. Each act keeps the earlier one
visible: both stay in the certificate's public history and in the audit log.
"""

from __future__ import annotations

from training.audit import record_event
from training.certificates.models import Certificate, CertificateAction, CertificateStatus
from training.certificates.services import CertificateError, checked_reason, record_act
from training.database import utcnow
from training.extensions import db


def _locked(certificate: Certificate) -> Certificate:
    db.session.refresh(certificate, with_for_update=True)  # two admins at once: one wins
    return certificate


def reverse_revocation(certificate: Certificate, reason: str, by) -> None:
    """Undo a revocation made in error: the certificate returns to its standing before it."""
    reason = checked_reason(reason, by)
    _locked(certificate)
    if certificate.revoked_at is None:
        raise CertificateError("This certificate is not revoked.")
    if not certificate.is_current:
        raise CertificateError("A new certificate was issued after this revocation; "
                               "revoke that one instead of reversing this.")
    before = {"revoked_at": certificate.revoked_at.isoformat(),
              "revocation_reason": certificate.revocation_reason,
              "revoked_by_id": certificate.revoked_by_id}
    certificate.revoked_at = None
    certificate.revocation_reason = None
    certificate.revoked_by_id = None
    record_act(certificate, CertificateAction.REVOCATION_REVERSED, reason, by)
    record_event("certificate.revocation_reversed", f"certificate:{certificate.serial}",
                 {"reason": reason, "before": before, "user_id": certificate.user_id}, actor=by)
    db.session.flush()


def suspend(certificate: Certificate, reason: str, by) -> None:
    """Put a live certificate on hold; it reads "suspended" until the hold is lifted."""
    reason = checked_reason(reason, by)
    _locked(certificate)
    if certificate.status not in (CertificateStatus.VALID, CertificateStatus.EXPIRED):
        raise CertificateError(f"A {certificate.status} certificate cannot be suspended.")
    certificate.suspended_at = utcnow().replace(microsecond=0)
    certificate.suspension_reason = reason
    record_act(certificate, CertificateAction.SUSPENDED, reason, by)
    record_event("certificate.suspended", f"certificate:{certificate.serial}",
                 {"reason": reason, "user_id": certificate.user_id}, actor=by)
    db.session.flush()


def lift_suspension(certificate: Certificate, reason: str, by) -> None:
    """End a suspension; the certificate is valid again (or expired, if its date has passed)."""
    reason = checked_reason(reason, by)
    _locked(certificate)
    if certificate.suspended_at is None:
        raise CertificateError("This certificate is not suspended.")
    before = {"suspended_at": certificate.suspended_at.isoformat(),
              "suspension_reason": certificate.suspension_reason}
    certificate.suspended_at = None
    certificate.suspension_reason = None
    record_act(certificate, CertificateAction.SUSPENSION_LIFTED, reason, by)
    record_event("certificate.suspension_lifted", f"certificate:{certificate.serial}",
                 {"reason": reason, "before": before, "user_id": certificate.user_id}, actor=by)
    db.session.flush()
