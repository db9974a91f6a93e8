"""Hash chain that makes the audit log tamper-evident.

Every audit entry stores the SHA-256 of its own content *and* of the previous entry's
hash. Editing an entry, deleting one or slipping one in between breaks the chain at
that point, which :func:`verify_chain` reports. (Cutting entries off the *end* leaves a
valid shorter chain; detect that by comparing against a head recorded elsewhere, see
:func:`verify_head` and the ``anchor`` argument of :func:`verify_chain`.)

The hash covers canonical JSON (sorted keys, no whitespace, UTF-8, no \\u escapes), so
an auditor can recompute it with any JSON library.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "GENESIS_HASH",
    "ChainBreak",
    "ChainRow",
    "entry_hash",
    "next_row",
    "parse_head",
    "verify_chain",
    "verify_head",
]

#: ``prev_hash`` of the very first entry.
GENESIS_HASH = "0" * 64

_HEX64 = re.compile(r"[0-9a-f]{64}")


def entry_hash(
    prev_hash: str,
    seq: int,
    at_iso: str,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any],
) -> str:
    """SHA-256 hex of the canonical JSON of all fields, including ``prev_hash``.

    Keys: prev_hash, seq, at, actor, action, subject, details (``at_iso`` is stored as "at").

    ``details`` must be JSON-serialisable (TypeError otherwise; NaN/Infinity are refused
    as they are not JSON). Prefer strings/ints in details: floats would hash correctly
    here but other languages may print them differently when re-verifying.
    """
    document = {
        "prev_hash": prev_hash,
        "seq": seq,
        "at": at_iso,  # key "at", as in the audit log's first entries (training/audit)
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": details,
    }
    encoded = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


@dataclasses.dataclass
class ChainRow:
    """One audit entry as stored (field names mirror the audit table's columns)."""

    seq: int
    at_iso: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def computed_hash(self) -> str:
        """What :attr:`hash` should be for the current content."""
        return entry_hash(
            self.prev_hash,
            self.seq,
            self.at_iso,
            self.actor,
            self.action,
            self.subject,
            self.details,
        )


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    """The first entry at which the chain stops being trustworthy, and why."""

    seq: int
    reason: str


def next_row(
    previous: ChainRow | None,
    at_iso: str,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any],
) -> ChainRow:
    """Build the entry that follows ``previous`` (None for the first entry), hash filled in.

    The caller must append it atomically with respect to other writers (e.g. lock the
    head row), otherwise two writers could both extend the same predecessor.
    """
    seq = previous.seq + 1 if previous is not None else 1
    prev_hash = previous.hash if previous is not None else GENESIS_HASH
    row = ChainRow(seq, at_iso, actor, action, subject, details, prev_hash, hash="")
    row.hash = row.computed_hash()
    return row


def _hash_equal(a: str, b: str) -> bool:
    return isinstance(a, str) and isinstance(b, str) and hmac.compare_digest(a, b)


def parse_head(text: str) -> tuple[int, str]:
    """Parse a head written as ``SEQ:HASH`` (as shown on the audit page and export headers).

    Raises ValueError with a message fit for the person who typed it.
    """
    seq, sep, digest = (text or "").strip().partition(":")
    digest = digest.lower()
    if not sep or not seq.isascii() or not seq.isdigit() or not _HEX64.fullmatch(digest):
        raise ValueError("Write the head as SEQ:HASH, e.g. 42:3f1c... (64 hexadecimal characters).")
    return int(seq), digest


def verify_chain(
    rows: Iterable[ChainRow],
    *,
    anchor: tuple[int, str] | None = None,
    anchors: Iterable[tuple[int, str]] = (),
) -> ChainBreak | None:
    """Walk ``rows`` (ordered by seq) and return the first break, or None if intact.

    Streams: only the previous row is kept, so a query cursor over millions of entries
    is fine. Detects, at the first affected entry:
    - wrong start (first seq != 1 or its prev_hash != GENESIS_HASH);
    - deleted entries (seq gap) or duplicated/reordered ones (seq not increasing by 1);
    - inserted or re-linked entries (prev_hash != previous entry's hash);
    - altered entries (stored hash != recomputed hash).
    ``anchor``/``anchors`` = (seq, hash) of heads recorded elsewhere earlier (an export's
    header, the stored head row); the chain must still contain each exact entry, which
    catches entries cut off the end. An anchor with seq 0 stands for the empty log.
    """
    expected = {seq: digest for seq, digest in [*anchors, *([anchor] if anchor else [])] if seq > 0}
    previous: ChainRow | None = None
    for row in rows:
        if previous is None:
            if row.seq != 1:
                return ChainBreak(row.seq, f"chain starts at seq {row.seq}, expected 1")
            if not _hash_equal(row.prev_hash, GENESIS_HASH):
                return ChainBreak(row.seq, "first entry does not link to the genesis hash")
        else:
            if row.seq <= previous.seq:
                return ChainBreak(
                    row.seq, f"seq {row.seq} after {previous.seq}: duplicate or out of order"
                )
            if row.seq != previous.seq + 1:
                return ChainBreak(
                    row.seq, f"seq gap after {previous.seq}: entries missing (deleted?)"
                )
            if not _hash_equal(row.prev_hash, previous.hash):
                return ChainBreak(
                    row.seq,
                    "prev_hash does not match the previous entry's hash "
                    "(entry inserted, deleted or re-linked)",
                )
        try:
            computed = row.computed_hash()
        except (TypeError, ValueError) as exc:
            return ChainBreak(row.seq, f"entry cannot be hashed: {exc}")
        if not _hash_equal(row.hash, computed):
            return ChainBreak(row.seq, "hash mismatch: entry content was altered")
        if row.seq in expected and not _hash_equal(row.hash, expected.pop(row.seq)):
            return ChainBreak(row.seq, "entry differs from the recorded anchor hash")
        previous = row
    if expected:
        last = previous.seq if previous is not None else 0
        return ChainBreak(min(expected), f"chain ends at seq {last}: entries cut off the end")
    return None


def verify_head(rows_head: tuple[int, str] | None, expected: tuple[int, str]) -> bool:
    """True if the log's current head (seq, hash) is exactly the expected one.

    Use with a head published or stored out of band (e.g. in a nightly e-mail) to
    detect truncation, which a chain alone cannot reveal. ``None`` = empty log.
    """
    if rows_head is None:
        return False
    seq, digest = rows_head
    return seq == expected[0] and _hash_equal(digest, expected[1])
