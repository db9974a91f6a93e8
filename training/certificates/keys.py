"""The provider's certificate signing key, loaded once per app and cached in app.extensions.

``CERT_SIGNING_KEY_PEM`` (the deployment's shared key, same on every machine) wins; otherwise
the key lives at ``CERT_SIGNING_KEY_PATH`` and is created there on first use. Loading is lazy,
so commands and pages that never sign or verify never touch the key file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask, current_app

from training.certificates.signing import (
    load_or_create_private_key,
    private_key_from_pem,
    public_key_fingerprint,
    public_key_pem,
)

EXTENSION = "certificate_signing_key"
_lock = threading.Lock()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public_pem: bytes
    fingerprint: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()


def _load(app: Flask) -> SigningKey:
    pem = app.config.get("CERT_SIGNING_KEY_PEM")
    if pem:
        # environment variables often carry the PEM with literal "\n" for line breaks
        text = pem.replace("\\n", "\n") if isinstance(pem, str) else pem.decode()
        private = private_key_from_pem(text.encode())
    else:
        private = load_or_create_private_key(Path(app.config["CERT_SIGNING_KEY_PATH"]))
    fingerprint = public_key_fingerprint(private.public_key())
    return SigningKey(private, public_key_pem(private), fingerprint)


def signing_key(app: Flask | None = None) -> SigningKey:
    """The app's signing key; read (or created) on first use, then cached for the app's life."""
    app = app or current_app._get_current_object()
    key = app.extensions.get(EXTENSION)
    if key is None:
        with _lock:  # threaded servers: load the file once, not once per thread
            key = app.extensions.get(EXTENSION)
            if key is None:
                key = app.extensions[EXTENSION] = _load(app)
    return key
