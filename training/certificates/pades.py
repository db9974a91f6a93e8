"""A standard PDF signature (PAdES, with pyHanko) on every certificate PDF.

Any PDF reader then shows who signed the document and whether it was modified after signing,
without knowing anything about this platform. The signing certificate is a self-signed X.509
certificate for the provider's own Ed25519 key, derived from the key and its published
validity, so it is the same on every machine; readers show it as untrusted until the provider's
certificate is trusted, but modification is detected either way.

Signing is deterministic (Ed25519, signing time = the certificate's issue time, document ID
from the content, no "modified now" metadata), so a certificate downloads as the same bytes
every time, as before.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from training.certificates.keys import SigningKey

FIELD_NAME = "ProviderSignature"
#: fixed validity of the self-signed certificate: the key's real periods are published elsewhere
#: (``/.well-known/certificate-signing-keys.json``); fixed dates keep the bytes the same
CERT_NOT_BEFORE = datetime(2000, 1, 1, tzinfo=UTC)
CERT_NOT_AFTER = datetime(2099, 12, 31, tzinfo=UTC)


def provider_certificate(key: SigningKey, issuer_name: str) -> x509.Certificate:
    """The self-signed X.509 certificate of the provider's key (same inputs, same bytes)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name[:64] or "CE provider"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, issuer_name[:64] or "CE provider")])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False,
                          crl_sign=False, encipher_only=False, decipher_only=False)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public).serial_number(int(key.fingerprint[:30], 16))
        .not_valid_before(CERT_NOT_BEFORE).not_valid_after(CERT_NOT_AFTER)
        .add_extension(usage, critical=True)
        .sign(key.private, None)
    )


def sign_pdf(pdf: bytes, key: SigningKey, certificate: x509.Certificate, signed_at: datetime,
             reason: str) -> bytes:
    """``pdf`` with a PAdES signature appended as an incremental update (deterministic)."""
    return _outside_event_loop(_sign_pdf, pdf, key, certificate, signed_at, reason)


def _outside_event_loop(func, *args):
    """pyHanko runs its own asyncio loop: from inside a running one, call it in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args).result()


def _sign_pdf(pdf: bytes, key: SigningKey, certificate: x509.Certificate, signed_at: datetime,
              reason: str) -> bytes:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import pdf_signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class _FixedWriter(IncrementalPdfFileWriter):
        def _update_meta(self):  # keep the rendered metadata: no "modified now" date
            pass

    class _FixedTimeSigner(pdf_signer.PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = signed_at.replace(tzinfo=UTC)
            return session

    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=private,
                                  cert_registry=SimpleCertificateStore.from_certs([cert]))
    writer = _FixedWriter(io.BytesIO(pdf))
    first_id = writer.document_id[0]
    writer._document_id = generic.ArrayObject([  # the second ID from the content, not random
        generic.ByteStringObject(first_id),
        generic.ByteStringObject(hashlib.sha256(pdf).digest()[:16])])
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha512",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
                                        name=certificate.subject.rfc4514_string())
    return _FixedTimeSigner(meta, signer).sign_pdf(writer).getvalue()


@dataclass(frozen=True)
class PadesCheck:
    present: bool
    ok: bool
    reason: str
    fingerprint: str = ""


def check_pades(pdf: bytes) -> PadesCheck:
    """See :func:`_check_pades`."""
    return _outside_event_loop(_check_pades, pdf)


def _check_pades(pdf: bytes) -> PadesCheck:
    """Whether the PDF's signature is intact, covers the whole file and nothing was changed after
    it; ``fingerprint`` identifies the signing key (checked against the published keys by the
    caller). A PDF without a signature is ``present=False``."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - an unreadable signature structure is simply "none"
        return PadesCheck(False, False, "")
    if not signatures:
        return PadesCheck(False, False, "")
    embedded = signatures[-1]
    try:
        cert = embedded.signer_cert
        raw = cert.public_key["public_key"].native
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[cert]))
    except (SignatureValidationError, ValueError, KeyError, TypeError) as err:
        return PadesCheck(True, False, f"its PDF signature cannot be validated ({err})")
    fingerprint = hashlib.sha256(raw).hexdigest() if isinstance(raw, bytes) else ""
    if not (status.intact and status.valid):
        return PadesCheck(True, False, "its PDF signature is broken: the signed bytes were changed",
                          fingerprint)
    if status.coverage.name != "ENTIRE_FILE" or status.modification_level.name != "NONE":
        return PadesCheck(True, False, "the PDF was modified after it was signed (its PDF "
                                       "signature no longer covers the whole file)", fingerprint)
    return PadesCheck(True, True, "the PDF signature is intact and covers the whole file",
                      fingerprint)
