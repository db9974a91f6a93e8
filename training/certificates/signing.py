"""Ed25519 signatures over certificate snapshots.

Each issued certificate's canonical JSON is signed with the platform's private key, so
anyone holding the published public key can check that a certificate (or an exported
record) was issued by us and not edited since. Ed25519 because keys and signatures are
small, signing is deterministic, and there are no parameters to get wrong.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import logging
import os
import re
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "KeyFileError",
    "load_or_create_private_key",
    "private_key_from_pem",
    "private_key_pem",
    "public_key_fingerprint",
    "public_key_from_pem",
    "public_key_pem",
    "sign",
    "verify",
]

log = logging.getLogger(__name__)

# 64-byte signature in unpadded base64url is always exactly 86 characters.
_SIGNATURE_RE = re.compile(r"[A-Za-z0-9_-]{86}")


class KeyFileError(ValueError):
    """The key file exists but cannot be used (corrupt, wrong key type, unreadable)."""


def private_key_from_pem(pem: bytes) -> Ed25519PrivateKey:
    """Parse an unencrypted PKCS#8 PEM Ed25519 private key; ValueError if it is anything else."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(f"not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"expected an Ed25519 private key, got {type(key).__name__}")
    return key


def public_key_from_pem(pem: bytes) -> Ed25519PublicKey:
    """Parse a SubjectPublicKeyInfo PEM Ed25519 public key (what :func:`public_key_pem` makes)."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(f"not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"expected an Ed25519 public key, got {type(key).__name__}")
    return key


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    """The private key as unencrypted PKCS#8 PEM, as stored in the key file."""
    return _private_pem(key)


def _read_key_file(path: Path) -> Ed25519PrivateKey:
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read signing key {path}: {exc}") from exc
    try:
        key = private_key_from_pem(pem)
    except ValueError as exc:
        raise KeyFileError(
            f"signing key file {path} is corrupt or not an Ed25519 key ({exc}); "
            "restore it from backup - do not delete it, or every issued certificate "
            "signed with it can no longer be verified against a new key"
        ) from exc
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("signing key %s is accessible by group/others (mode %o)", path, mode & 0o777)
    return key


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    """Load the signing key from ``path``, generating it (mode 0600) on first run.

    Safe when several workers start at once: each writes a complete key to its own temp
    file, then hard-links it into place, which fails if another worker won the race;
    the losers then load the winner's key, so everyone signs with the same key.
    A file that exists but cannot be parsed raises :class:`KeyFileError` instead of
    being silently replaced (replacing it would orphan every signature made so far).
    """
    path = Path(path)
    if path.exists():
        return _read_key_file(path)

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_private_pem(key))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic and fails if the key appeared meanwhile
        except FileExistsError:
            return _read_key_file(path)
        except OSError:
            # Filesystem without hard links: fall back to replace-if-still-absent.
            if path.exists():
                return _read_key_file(path)
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    log.info("created new certificate signing key %s", path)
    return key


def public_key_pem(private_key: Ed25519PrivateKey) -> bytes:
    """The public half as SubjectPublicKeyInfo PEM, suitable for publishing."""
    return private_key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def public_key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 hex of the 32 raw public key bytes: a short id to record which key signed."""
    raw = public_key.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()


def sign(private_key: Ed25519PrivateKey, payload: bytes) -> str:
    """Signature over ``payload`` as unpadded base64url (URL- and JSON-safe, 86 chars)."""
    return _b64url(private_key.sign(payload))


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def verify(public_key: Ed25519PublicKey, payload: bytes, signature: str) -> bool:
    """True only if ``signature`` is a valid signature of ``payload``; never raises.

    Anything malformed (wrong type, length, alphabet, padding) is simply "not valid":
    signatures come from stored or user-supplied data and must not crash a page.
    """
    if not isinstance(signature, str) or not _SIGNATURE_RE.fullmatch(signature):
        return False
    if not isinstance(payload, bytes | bytearray | memoryview):
        return False
    try:
        raw = base64.urlsafe_b64decode(signature + "==")
        if _b64url(raw) != signature:
            return False  # non-canonical encoding of the final character: reject
        public_key.verify(raw, bytes(payload))
    except (InvalidSignature, binascii.Error, ValueError, TypeError, AttributeError):
        return False
    return True
