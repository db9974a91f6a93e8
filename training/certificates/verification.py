"""What the public verification page and its JSON twin say about a certificate.

One description feeds both, so a person and a machine always read the same facts: every
printed field, the hours by kind, the board approvals the record holds, the status with its
dates and reasons, the history of corrections, and the key that signed it.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from training.certificates.documents import Verification, verification_url
from training.certificates.keyring import published_key
from training.certificates.models import Certificate, CertificateStatus
from training.urls import public_url

#: printed fields in the order the certificate prints them, with their labels
PRINTED_FIELDS = (
    ("trainee_name", "Name"), ("profession", "Profession"), ("license", "License"),
    ("course_title", "Course"), ("course_code", "Course code"),
    ("provider", "Provider"), ("approval_number", "Provider approval no."),
    ("completion_date", "Completion date"), ("issued_at", "Issued"), ("expires_on", "Valid through"),
    ("serial", "Serial number"), ("verification_code", "Verification code"),
    ("supersedes", "Replaces certificate"), ("renews", "Renews certificate"),
)
HOURS = (("online_hours", "Online contact hours"), ("practical_hours", "In-person practical hours"),
         ("total_hours", "Total contact hours"), ("ceus", "CEUs"))


def _iso(value: date | datetime | None) -> str | None:
    """Dates as they are; datetimes (stored as naive UTC) with their "Z"."""
    if value is None:
        return None
    return value.isoformat() + "Z" if isinstance(value, datetime) else value.isoformat()


def _link(certificate: Certificate | None) -> dict | None:
    if certificate is None:
        return None
    return {"serial": certificate.serial, "url": verification_url(certificate.verification_code)}


def status_of(certificate: Certificate) -> dict:
    """The status with the dates, reasons and links that explain it."""
    status = certificate.status
    return {
        "value": str(status),
        "valid": status == CertificateStatus.VALID,
        "expires_on": _iso(certificate.expires_on),
        "revoked_at": _iso(certificate.revoked_at),
        "revocation_reason": certificate.revocation_reason,
        "suspended_at": _iso(certificate.suspended_at),
        "suspension_reason": certificate.suspension_reason,
        "superseded_by": _link(certificate.superseded_by),
    }


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "Add licence or certification" form, filled in from the signed record."""
    snap = certificate.snapshot
    params = {
        "startTask": "CERTIFICATION_NAME", "name": snap["course_title"],
        "organizationName": snap["provider"],
        "issueYear": snap["issued_at"][:4], "issueMonth": int(snap["issued_at"][5:7]),
        "certUrl": verification_url(certificate.verification_code), "certId": snap["serial"],
    }
    if snap.get("expires_on"):
        params |= {"expirationYear": snap["expires_on"][:4],
                   "expirationMonth": int(snap["expires_on"][5:7])}
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def describe(result: Verification) -> dict:
    """The verification as plain data (what the JSON twin returns, and the page shows)."""
    if result.certificate is None:
        return {"state": result.state}
    certificate = result.certificate
    view: dict = {"state": result.state, "serial": certificate.serial}
    if result.state == "invalid":
        return view | {"reason": result.check.reason if result.check else ""}
    snap = result.snapshot
    key = published_key(certificate.key_fingerprint)
    view |= {
        "printed": {name: snap.get(name, "") for name, _label in PRINTED_FIELDS} | {
            "license": f"{snap['license_state']} {snap['license_number']}".strip()
            if snap["license_number"] else "",
            "license_state": snap["license_state"], "license_number": snap["license_number"],
            "trainee_first_name": snap["trainee_first_name"],
            "trainee_last_name": snap["trainee_last_name"],
        },
        "hours": {name: snap[name] for name, _label in HOURS},
        "board_approvals": [a for a in (snap.get("board_approvals") or "").split("; ") if a],
        "status": status_of(certificate),
        "history": [
            {"at": _iso(event.at), "action": event.action, "reason": event.reason,
             "related": _link(event.related)}
            for event in certificate.events
        ],
        "issuer": {
            "name": snap["provider"],
            "key_fingerprint": certificate.key_fingerprint,
            "key_valid_from": _iso(key.valid_from) if key else None,
            "key_valid_until": _iso(key.valid_until) if key else None,
            "keys_url": public_url("verify.published_keys_json"),
        },
        "verification_url": verification_url(certificate.verification_code),
        "open_badge_url": public_url("openbadges.credential", code=certificate.verification_code),
    }
    return view
