"""W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (Ed25519 over RDFC-1.0).

The credential and the proof options are each canonicalised to N-Quads (RDFC-1.0, which pyld
implements as URDNA2015), hashed with SHA-256, and the concatenated hashes are signed with
Ed25519. JSON-LD contexts are never fetched from the network: the loader serves only the copies
bundled in ``contexts/`` (see the README section "Credentials" for where they come from) and
refuses every other URL, so verification is offline and cannot be steered by a remote server.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CONTEXT_DIR = Path(__file__).with_name("contexts")
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
BUNDLED_CONTEXTS = {VC_V2: "credentials-v2.jsonld", OB_V3: "ob-v3p0-context-3.0.3.json"}
CRYPTOSUITE = "eddsa-rdfc-2022"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_PUB = b"\xed\x01"  # multicodec prefix of an Ed25519 public key


class ProofError(ValueError):
    """A document cannot be signed or verified (malformed, unknown context, wrong proof)."""


def base58btc(raw: bytes) -> str:
    number = int.from_bytes(raw, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _B58:
            raise ProofError("not base58btc")
        number = number * 58 + _B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def multikey(public_key: Ed25519PublicKey) -> str:
    """``publicKeyMultibase`` of a Multikey: "z" + base58btc(0xed01 + the 32 raw bytes)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(_ED25519_PUB + raw)


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("publicKeyMultibase must be base58btc ('z...')")
    raw = base58btc_decode(value[1:])
    if len(raw) != 34 or not raw.startswith(_ED25519_PUB):
        raise ProofError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@cache
def _bundled(url: str) -> dict:
    return json.loads((CONTEXT_DIR / BUNDLED_CONTEXTS[url]).read_text("utf-8"))


def make_loader(extra: Mapping[str, dict] | None = None) -> Callable:
    """A pyld document loader serving the bundled contexts (plus ``extra``), nothing else."""
    extra = dict(extra or {})

    def load(url: str, options=None) -> dict:
        if url in extra:
            document = extra[url]
        elif url in BUNDLED_CONTEXTS:
            document = _bundled(url)
        else:
            from pyld import jsonld

            raise jsonld.JsonLdError(f"context {url} is not bundled; refusing to fetch it",
                                     "jsonld.LoadDocumentError", {"url": url},
                                     code="loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(document)}

    return load


def canonize(document: Mapping, loader: Callable | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document.

    pyld is imported here, where credentials are signed or checked: about 10 MB that a server
    worker serving pages would otherwise hold for nothing.
    """
    from pyld import jsonld

    try:
        return jsonld.normalize(dict(document), {
            "algorithm": "URDNA2015", "format": "application/n-quads",
            "documentLoader": loader or make_loader(),
        })
    except jsonld.JsonLdError as err:
        raise ProofError(f"the document is not valid JSON-LD here: {err}") from err


def _hash_data(unsecured: Mapping, proof_options: Mapping, loader: Callable | None) -> bytes:
    options = dict(proof_options)
    options["@context"] = unsecured["@context"]
    return (hashlib.sha256(canonize(options, loader).encode()).digest()
            + hashlib.sha256(canonize(unsecured, loader).encode()).digest())


def add_proof(credential: Mapping, private_key: Ed25519PrivateKey, verification_method: str,
              created: str, loader: Callable | None = None) -> dict:
    """``credential`` with an ``eddsa-rdfc-2022`` DataIntegrityProof (assertionMethod)."""
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signature = private_key.sign(_hash_data(unsecured, options, loader))
    return unsecured | {"proof": options | {"proofValue": "z" + base58btc(signature)}}


def verify_proof(secured: Mapping, resolve_key: Callable[[str], Ed25519PublicKey | None],
                 loader: Callable | None = None) -> bool:
    """True only if the document's single proof is a valid ``eddsa-rdfc-2022`` proof by the key
    ``resolve_key`` returns for its verificationMethod; never raises on bad input."""
    try:
        proof = dict(secured["proof"])
        if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
            return False
        if proof.get("proofPurpose") != "assertionMethod":
            return False
        key = resolve_key(proof.get("verificationMethod", ""))
        value = proof.pop("proofValue")
        if key is None or not isinstance(value, str) or not value.startswith("z"):
            return False
        unsecured = {k: v for k, v in secured.items() if k != "proof"}
        key.verify(base58btc_decode(value[1:]), _hash_data(unsecured, proof, loader))
    except (InvalidSignature, ProofError, KeyError, TypeError, ValueError, AttributeError):
        return False
    return True
