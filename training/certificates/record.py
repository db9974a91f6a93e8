"""The signed certificate record: checking it, and carrying it inside the PDF.

Every PDF embeds ``certificate-record.json`` (an uncompressed PDF attachment):
``{"format": ..., "key_fingerprint": ..., "signature": ..., "snapshot": {...}}``. With the
published public key, anyone can check a downloaded certificate offline: rebuild the canonical
JSON of ``snapshot`` and verify the Ed25519 signature. The JSON is ASCII-only and stored
uncompressed, so it can be found in the PDF bytes without a PDF library.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from training.certificates.signing import public_key_fingerprint, verify
from training.certificates.snapshot import CertificateSnapshot, canonical_json

RECORD_FORMAT = "dn-ce-certificate-record/1"
RECORD_FILENAME = "certificate-record.json"
_MARKER = ('{"format":"' + RECORD_FORMAT + '"').encode("ascii")


@dataclass(frozen=True)
class Check:
    """The outcome of a signature check, with a reason a person can act on."""

    ok: bool
    reason: str


def record_json(snapshot: Mapping[str, str], signature: str, fingerprint: str) -> bytes:
    """The record embedded in the PDF (format first, so it can be found by its opening bytes)."""
    record = {"format": RECORD_FORMAT, "key_fingerprint": fingerprint, "signature": signature,
              "snapshot": dict(snapshot)}
    return json.dumps(record, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def check_signed(
    snapshot: object, signature: object, fingerprint: object, public_key: Ed25519PublicKey
) -> Check:
    """Whether ``snapshot`` is exactly what ``public_key`` signed; never raises."""
    if not isinstance(snapshot, Mapping):
        return Check(False, "the certificate data is missing")
    try:
        frozen = CertificateSnapshot.from_dict(snapshot)
    except (ValueError, TypeError) as err:
        return Check(False, f"the certificate data is malformed ({err})")
    expected = public_key_fingerprint(public_key)
    if fingerprint != expected:
        return Check(False, f"signed by another key ({str(fingerprint)[:16]}...), not the "
                            f"provider's key ({expected[:16]}...)")
    if not isinstance(signature, str) or not verify(public_key, canonical_json(frozen), signature):
        return Check(False, "the signature does not match the data: it was altered after issue")
    return Check(True, "the signature is valid")


def check_certificate(certificate, public_key: Ed25519PublicKey) -> Check:
    """A stored certificate: its snapshot is signed and agrees with the row's own columns.

    The cross-check stops a valid snapshot being copied onto another row (or a serial being
    swapped) from passing as genuine.
    """
    result = check_signed(certificate.snapshot, certificate.signature,
                          certificate.key_fingerprint, public_key)
    if not result.ok:
        return result
    snap = certificate.snapshot
    if (snap["serial"], snap["verification_code"], snap["completion_date"]) != (
        certificate.serial, certificate.verification_code, certificate.completion_date.isoformat()
    ):
        return Check(False, "the record's serial, code or date differ from what was signed")
    return result


def extract_record(pdf: bytes, record_format: str = RECORD_FORMAT,
                   filename: str = RECORD_FILENAME) -> dict | None:
    """The embedded record of a certificate PDF (or another signed document), or None."""
    marker = _MARKER if record_format == RECORD_FORMAT else ('{"format":"' + record_format + '"').encode("ascii")
    start = pdf.find(marker)
    if start >= 0:
        try:
            record, _end = json.JSONDecoder().raw_decode(pdf[start:].decode("latin-1"))
        except ValueError:
            record = None
        if isinstance(record, dict):
            return record
    return _extract_with_pypdf(pdf, filename)


def _extract_with_pypdf(pdf: bytes, filename: str = RECORD_FILENAME) -> dict | None:
    """Fallback for a PDF re-saved by another tool (compressed attachment), if pypdf exists."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    try:
        contents = PdfReader(io.BytesIO(pdf)).attachments.get(filename) or []
        record = json.loads(contents[0]) if contents else None
    except Exception:  # any unreadable PDF simply has no record we can use
        return None
    return record if isinstance(record, dict) else None
