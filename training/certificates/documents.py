"""What a certificate shows to the world: its PDF, its verification link and its status."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from training.certificates.keyring import public_key_for
from training.certificates.keys import signing_key
from training.certificates.models import Certificate, CertificateEvent, CertificateStatus
from training.certificates.record import RECORD_FILENAME, Check, check_certificate, record_json
from training.certificates.snapshot import CertificateSnapshot, normalize_code
from training.extensions import db
from training.urls import public_url


def verification_url(code: str) -> str:
    """The public verification address printed (and QR-encoded) on the certificate."""
    return public_url("verify.certificate", code=code)


def integrity(certificate: Certificate) -> Check:
    """Whether the stored record is exactly what the provider's key that signed it signed."""
    key = public_key_for(certificate.key_fingerprint)
    if key is None:
        return Check(False, "it claims a signing key the provider never published")
    return check_certificate(certificate, key)


def status_note(certificate: Certificate) -> str:
    """The red banner of a certificate that is no longer valid ("" while it is)."""
    status = certificate.status
    if status == CertificateStatus.REVOKED:
        return f"REVOKED on {certificate.revoked_at.date().isoformat()}"
    if status == CertificateStatus.SUPERSEDED:
        replacement = certificate.superseded_by
        return f"SUPERSEDED by {replacement.serial}" if replacement else "SUPERSEDED"
    if status == CertificateStatus.SUSPENDED:
        return f"SUSPENDED since {certificate.suspended_at.date().isoformat()}"
    if status == CertificateStatus.EXPIRED:
        return f"EXPIRED on {certificate.expires_on.isoformat()}"
    return ""


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF with the signed record embedded; identical bytes on every download."""
    # fpdf2 and its image and font stack cost about 30 MB per worker: load them only in a worker
    # that actually renders a certificate, not in every one that serves pages and exports
    from training.certificates.pdf import render_certificate_pdf

    snapshot = CertificateSnapshot.from_dict(certificate.snapshot)
    record = record_json(certificate.snapshot, certificate.signature, certificate.key_fingerprint)
    pdf = render_certificate_pdf(
        snapshot, verification_url(certificate.verification_code),
        status_note=status_note(certificate), attachment=(RECORD_FILENAME, record),
    )
    return pades_signed(pdf, snapshot)


def pades_signed(pdf: bytes, snapshot: CertificateSnapshot) -> bytes:
    """The PDF with the provider's PAdES signature, dated at the certificate's issue."""
    from training.certificates.pades import provider_certificate, sign_pdf

    key = signing_key()
    x509_certificate = provider_certificate(key, current_app.config["CERT_ISSUER_NAME"])
    return sign_pdf(pdf, key, x509_certificate, snapshot.issued_datetime(),
                    reason=f"CE certificate {snapshot.serial} as issued by {snapshot.provider}")


def pdf_filename(certificate: Certificate) -> str:
    """The download's file name: the serial, which the holder quotes to a licensing board."""
    return f"{certificate.serial}.pdf"


def find_by_serial(serial: str) -> Certificate | None:
    """The certificate with this serial, or None (longer input cannot be a serial)."""
    if len(serial) > 40:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def find_by_code(text: str) -> Certificate | None:
    """The certificate with this verification code (typed loosely), or None."""
    code = normalize_code(text)
    if code is None:
        return None
    return db.session.scalar(
        select(Certificate).where(Certificate.verification_code == code)
        .options(joinedload(Certificate.superseded_by),
                 selectinload(Certificate.events).joinedload(CertificateEvent.related))
    )


@dataclass(frozen=True)
class Verification:
    """What the public verification page and ``flask certificates verify`` report."""

    #: a CertificateStatus value, or "invalid" (signature), "not_found", "malformed"
    state: str
    certificate: Certificate | None = None
    check: Check | None = None

    @property
    def ok(self) -> bool:
        return self.state == "valid"

    @property
    def snapshot(self) -> dict:
        """The frozen data, only when its signature holds (tampered data is never shown)."""
        if self.certificate is None or self.check is None or not self.check.ok:
            return {}
        return self.certificate.snapshot


def verify_code(text: str) -> Verification:
    """Look up and check a certificate by its verification code."""
    if normalize_code(text) is None:
        return Verification("malformed")
    certificate = find_by_code(text)
    if certificate is None:
        return Verification("not_found")
    check = integrity(certificate)
    if not check.ok:
        return Verification("invalid", certificate, check)
    return Verification(str(certificate.status), certificate, check)


def possible_notes(snapshot: dict) -> list[str]:
    """The status banners a genuine download of this certificate may carry: none (as issued),
    and the one it would carry today if its status changed since."""
    notes = [""]
    certificate = find_by_serial(str(snapshot.get("serial", "")))
    if certificate is not None and certificate.snapshot == snapshot:
        note = status_note(certificate)
        if note:
            notes.append(note)
    return notes
