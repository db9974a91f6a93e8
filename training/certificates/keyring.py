"""Every signing key the provider ever used, with the period it signed in (key rotation).

The private key in use is the one of :mod:`training.certificates.keys`; its public half is
registered here the first time it signs, and the key it replaces is closed at that moment.
Old public keys stay published forever, so a certificate keeps verifying against the key
that signed it, whatever happens to the signing key later.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import func, select

from training.audit import record_event
from training.certificates.keys import EXTENSION, SigningKey, signing_key
from training.certificates.models import Certificate, SigningKeyRecord
from training.certificates.signing import (
    private_key_pem,
    public_key_fingerprint,
    public_key_from_pem,
    public_key_pem,
)
from training.database import utcnow
from training.extensions import db


@dataclass(frozen=True)
class PublishedKey:
    fingerprint: str
    public_pem: str
    valid_from: datetime
    valid_until: datetime | None

    @property
    def public(self) -> Ed25519PublicKey:
        return public_key_from_pem(self.public_pem.encode())

    @property
    def active(self) -> bool:
        return self.valid_until is None


def register_active_key() -> SigningKey:
    """The signing key, recorded as the published key in force (closing the one before it)."""
    key = signing_key()
    known = db.session.scalar(
        select(SigningKeyRecord).where(SigningKeyRecord.fingerprint == key.fingerprint)
    )
    if known is not None:
        return key
    now = utcnow().replace(microsecond=0)
    # a key found in use for the first time has signed since its oldest certificate
    first_use = db.session.scalar(
        select(func.min(Certificate.issued_at)).where(Certificate.key_fingerprint == key.fingerprint)
    )
    for previous in db.session.scalars(
        select(SigningKeyRecord).where(SigningKeyRecord.valid_until.is_(None))
    ):
        previous.valid_until = now
    with db.session.begin_nested():
        db.session.add(SigningKeyRecord(
            fingerprint=key.fingerprint, public_pem=key.public_pem.decode(),
            valid_from=min(first_use, now) if first_use else now,
        ))
    record_event("certificate.key_registered", f"signing-key:{key.fingerprint[:16]}",
                 {"fingerprint": key.fingerprint})
    return key


def published_keys() -> list[PublishedKey]:
    """Every key ever registered, the one in force first, then newest to oldest."""
    rows = db.session.scalars(
        select(SigningKeyRecord).order_by(SigningKeyRecord.valid_from.desc(), SigningKeyRecord.id.desc())
    ).all()
    keys = [PublishedKey(r.fingerprint, r.public_pem, r.valid_from, r.valid_until) for r in rows]
    if not any(k.fingerprint == signing_key().fingerprint for k in keys):
        # not yet used to sign: still the key in force for anyone checking
        active = signing_key()
        keys.insert(0, PublishedKey(active.fingerprint, active.public_pem.decode(), utcnow(), None))
    return sorted(keys, key=lambda k: (not k.active, -k.valid_from.timestamp()))


def published_key(fingerprint: str) -> PublishedKey | None:
    """The published key with this fingerprint, or None if the provider never used it."""
    return next((k for k in published_keys() if k.fingerprint == fingerprint), None)


def public_key_for(fingerprint: object) -> Ed25519PublicKey | None:
    """The public key that signed a record claiming ``fingerprint`` (None if unknown)."""
    if not isinstance(fingerprint, str):
        return None
    if fingerprint == signing_key().fingerprint:
        return signing_key().public
    row = db.session.scalar(
        select(SigningKeyRecord).where(SigningKeyRecord.fingerprint == fingerprint)
    )
    return public_key_from_pem(row.public_pem.encode()) if row is not None else None


def rotate_signing_key() -> tuple[str, str]:
    """Replace the key file with a new key; returns (old, new) fingerprints.

    The old public key stays published with its period closed now; the old private key file is
    kept beside the new one as ``<name>.retired-<fingerprint>`` for the operator to archive or
    destroy. A key given by ``CERT_SIGNING_KEY_PEM`` is rotated by changing that variable.
    """
    app = current_app._get_current_object()
    if app.config.get("CERT_SIGNING_KEY_PEM"):
        raise ValueError("the signing key comes from CERT_SIGNING_KEY_PEM: set a new key there")
    old = register_active_key()
    path = Path(app.config["CERT_SIGNING_KEY_PATH"])
    retired = path.with_name(f"{path.name}.retired-{old.fingerprint[:16]}")
    new_private = Ed25519PrivateKey.generate()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_key_pem(new_private))
    os.replace(path, retired)
    os.replace(tmp, path)
    fingerprint = public_key_fingerprint(new_private.public_key())
    app.extensions[EXTENSION] = SigningKey(new_private, public_key_pem(new_private), fingerprint)
    register_active_key()
    record_event("certificate.key_rotated", f"signing-key:{fingerprint[:16]}",
                 {"old": old.fingerprint, "new": fingerprint})
    return old.fingerprint, fingerprint
