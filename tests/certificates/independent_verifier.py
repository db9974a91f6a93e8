"""A verifier of eddsa-rdfc-2022 credentials written against the specification, not the app.

It shares no code with ``training.certificates.data_integrity``: Ed25519 is checked with
PyNaCl (libsodium) instead of ``cryptography``, base58 and multikey decoding are its own, and
pyld is driven directly. Contexts come from the bundled files, read here by path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nacl.exceptions
import nacl.signing
from pyld import jsonld

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2":
        ROOT / "training/certificates/contexts/credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json":
        ROOT / "training/certificates/contexts/ob-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/credentials/examples/v2":
        Path(__file__).with_name("vectors") / "credentials-examples-v2.jsonld",
}
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def loader(url, options=None):
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads(CONTEXTS[url].read_text())}


def b58decode(text: str) -> bytes:
    value = 0
    for char in text:
        value = value * 58 + ALPHABET.index(char)
    body = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def key_from_multibase(multibase: str) -> nacl.signing.VerifyKey:
    raw = b58decode(multibase[1:])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34
    return nacl.signing.VerifyKey(raw[2:])


def canon(document: dict) -> bytes:
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": loader}).encode()


def verify(credential: dict, public_multibase: str) -> bool:
    document = json.loads(json.dumps(credential))
    proof = document.pop("proof")
    if proof["cryptosuite"] != "eddsa-rdfc-2022" or proof["type"] != "DataIntegrityProof":
        return False
    signature = b58decode(proof.pop("proofValue")[1:])
    proof["@context"] = document["@context"]
    data = hashlib.sha256(canon(proof)).digest() + hashlib.sha256(canon(document)).digest()
    try:
        key_from_multibase(public_multibase).verify(data, signature)
    except nacl.exceptions.BadSignatureError:
        return False
    return True


def undefined_terms(credential: dict) -> list[str]:
    """IRIs that only the VC context's catch-all @vocab produced: terms no context defines."""
    expanded = json.dumps(jsonld.expand(credential, {"documentLoader": loader}))
    return sorted({part.split('"')[0] for part in expanded.split(
        "https://www.w3.org/ns/credentials/issuer-dependent#")[1:]})
