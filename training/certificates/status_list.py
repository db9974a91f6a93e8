"""W3C Bitstring Status Lists: the revocation and suspension bits of every certificate.

Each certificate has one position in the lists, derived from its id (list ``n`` holds ids
``(n-1)*SIZE+1 .. n*SIZE``), so no position is ever reused or needs storing. A list is built
from the certificates' current status on each request and signed like the credentials
(eddsa-rdfc-2022), so a bit flips the moment a certificate is revoked, suspended or reinstated.
The published ``encodedList`` is the multibase ("u") base64url form of the GZIP-compressed
bitstring, index 0 being the most significant bit of the first byte, as the specification says.
"""

from __future__ import annotations

import base64
import gzip
from dataclasses import dataclass

from sqlalchemy import func, select

from training.certificates.models import Certificate
from training.extensions import db

#: bits per list: the specification's minimum, which hides any one holder among 131,072
SIZE = 131_072
PURPOSES = ("revocation", "suspension")


@dataclass(frozen=True)
class Position:
    list_number: int
    index: int


def position(certificate_id: int) -> Position:
    """Where a certificate's bits are: the list and the index within it."""
    return Position((certificate_id - 1) // SIZE + 1, (certificate_id - 1) % SIZE)


def list_exists(purpose: str, list_number: int) -> bool:
    """Only lists that hold at least one issued certificate exist; anything else is a 404."""
    if purpose not in PURPOSES or list_number < 1:
        return False
    highest = db.session.scalar(select(func.max(Certificate.id))) or 0
    return list_number <= position(highest).list_number if highest else False


def set_indices(purpose: str, list_number: int) -> list[int]:
    """Indices whose bit is set: revoked certificates, or suspended (and not revoked) ones."""
    first, last = (list_number - 1) * SIZE + 1, list_number * SIZE
    flagged = (Certificate.revoked_at.is_not(None) if purpose == "revocation"
               else Certificate.suspended_at.is_not(None) & Certificate.revoked_at.is_(None))
    ids = db.session.scalars(
        select(Certificate.id).where(Certificate.id.between(first, last), flagged)
    )
    return [position(i).index for i in ids]


def encode(indices: list[int], size: int = SIZE) -> str:
    """The ``encodedList`` of a bitstring with ``indices`` set (gzip without a timestamp)."""
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (used by verifiers and the tests)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u...')")
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    return gzip.decompress(raw)


def bit(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
