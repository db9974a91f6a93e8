"""Open Badges 3.0: each certificate as an ``OpenBadgeCredential`` (VC Data Model 2.0).

The credential is built from the signed snapshot alone, so it says exactly what the PDF says
and never changes; it is signed on request with the provider's key in force (eddsa-rdfc-2022,
deterministic, so the same key gives the same bytes). Revocation and suspension are not in the
credential: each one points at its bits in the platform's Bitstring Status Lists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from training.certificates.data_integrity import OB_V3, VC_V2, add_proof, multikey
from training.certificates.documents import verification_url
from training.certificates.keyring import published_keys
from training.certificates.keys import signing_key
from training.certificates.models import Certificate
from training.certificates.status_list import PURPOSES, encode, position, set_indices
from training.database import utcnow
from training.urls import public_url


def issuer_id() -> str:
    return public_url("openbadges.issuer")


def verification_method(public_key) -> str:
    return f"{issuer_id()}#{multikey(public_key)}"


def issuer_profile() -> dict:
    """The provider's OB3 Profile with every key it ever signed with (and when)."""
    key = signing_key()
    return {
        "@context": [VC_V2, OB_V3],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": current_app.config["CERT_ISSUER_NAME"],
        "url": public_url("verify.lookup"),
        "verificationMethod": [
            {"id": verification_method(k.public), "type": "Multikey", "controller": issuer_id(),
             "publicKeyMultibase": multikey(k.public), "fingerprint": k.fingerprint,
             "validFrom": _stamp(k.valid_from),
             **({"validUntil": _stamp(k.valid_until)} if k.valid_until else {})}
            for k in published_keys()
        ],
        "assertionMethod": [verification_method(k.public) for k in published_keys()],
        "activeKey": verification_method(key.public),
    }


def _stamp(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_entry(certificate: Certificate, purpose: str) -> dict:
    where = position(certificate.id)
    url = public_url("openbadges.status_list", purpose=purpose, list_number=where.list_number)
    return {"id": f"{url}#{where.index}", "type": "BitstringStatusListEntry",
            "statusPurpose": purpose, "statusListIndex": str(where.index),
            "statusListCredential": url}


def unsigned_credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential of a certificate, from its frozen snapshot, without a proof."""
    snap = certificate.snapshot
    code = certificate.verification_code
    credential = {
        "@context": [VC_V2, OB_V3],
        "id": public_url("openbadges.credential", code=code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{snap['course_title']} - Certificate of Completion",
        "description": (f"Continuing education certificate {snap['serial']}: "
                        f"{snap['total_hours']} contact hours ({snap['online_hours']} online, "
                        f"{snap['practical_hours']} in-person practical), {snap['ceus']} CEUs."),
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": snap["provider"],
                   "url": public_url("verify.lookup")},
        "validFrom": snap["issued_at"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": snap["trainee_name"]}],
            "achievement": {
                "id": public_url("openbadges.achievement", course_code=snap["course_code"]),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": snap["course_title"],
                "humanCode": snap["course_code"],
                "description": f"{snap['course_title']} ({snap['course_code']}), "
                               f"approval no. {snap['approval_number'] or 'n/a'}.",
                "criteria": {"narrative": "Completed every online module with its graded quiz and "
                                          "passed the supervised in-person practical assessment "
                                          "where the course requires one."},
                "creditsAvailable": float(snap["total_hours"]),
                "fieldOfStudy": "Dry needling",
                "creator": {"id": issuer_id(), "type": ["Profile"], "name": snap["provider"]},
            },
            "creditsEarned": float(snap["total_hours"]),
            "activityEndDate": f"{snap['completion_date']}T00:00:00Z",
        },
        "credentialStatus": [_status_entry(certificate, purpose) for purpose in PURPOSES],
        "evidence": [{"id": verification_url(code), "type": ["Evidence"],
                      "name": f"Verification page of certificate {snap['serial']}"}],
    }
    if snap["license_number"]:
        credential["credentialSubject"]["licenseNumber"] = (
            f"{snap['license_state']} {snap['license_number']}".strip())
    if snap.get("expires_on"):
        credential["validUntil"] = f"{snap['expires_on']}T23:59:59Z"
    return credential


def signed_credential(certificate: Certificate) -> dict:
    """The credential with an eddsa-rdfc-2022 proof by the key in force."""
    key = signing_key()
    created = max(certificate.snapshot["issued_at"], _key_start())
    return add_proof(unsigned_credential(certificate), key.private,
                     verification_method(key.public), created)


def _key_start() -> str:
    key = next(k for k in published_keys() if k.fingerprint == signing_key().fingerprint)
    return _stamp(key.valid_from)


def status_list_credential(purpose: str, list_number: int) -> dict:
    """The signed BitstringStatusListCredential of one list, as the certificates stand now."""
    key = signing_key()
    url = public_url("openbadges.status_list", purpose=purpose, list_number=list_number)
    now = _stamp(utcnow())
    credential = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": now,
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": purpose,
                              "encodedList": encode(set_indices(purpose, list_number))},
    }
    return add_proof(credential, key.private, verification_method(key.public), now)
