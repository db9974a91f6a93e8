"""Audit hash chain: every kind of tampering is reported at the first bad entry."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator

import pytest

from training.audit.chain import (
    GENESIS_HASH,
    ChainBreak,
    ChainRow,
    entry_hash,
    next_row,
    verify_chain,
    verify_head,
)


def build_chain(length: int = 5) -> list[ChainRow]:
    rows: list[ChainRow] = []
    for i in range(length):
        rows.append(
            next_row(
                rows[-1] if rows else None,
                f"2026-11-22T10:00:{i:02d}Z",
                "admin@example.com",
                "certificate.issued",
                f"certificate:{i + 1}",
                {"serial": f"DN-2026-{i + 1:06d}", "note": "Zoë"},
            )
        )
    return rows


def test_entry_hash_is_sha256_of_canonical_json():
    details = {"b": 1, "a": "é"}
    expected = hashlib.sha256(
        (
            '{"action":"login","actor":"zoë@example.com","at":"2026-11-22T10:00:00Z",'
            '"details":{"a":"é","b":1},"prev_hash":"' + GENESIS_HASH + '","seq":1,"subject":""}'
        ).encode("utf-8")
    ).hexdigest()
    fields = ("2026-11-22T10:00:00Z", "zoë@example.com", "login", "")
    got = entry_hash(GENESIS_HASH, 1, *fields, details)
    assert got == expected
    # key order in details does not matter, every field does
    assert entry_hash(GENESIS_HASH, 1, *fields, {"a": "é", "b": 1}) == got
    assert entry_hash("1" * 64, 1, *fields, details) != got
    assert entry_hash(GENESIS_HASH, 2, *fields, details) != got


def test_entry_hash_refuses_non_json_details():
    with pytest.raises(ValueError):
        entry_hash(GENESIS_HASH, 1, "t", "a", "x", "s", {"n": float("nan")})
    with pytest.raises(TypeError):
        entry_hash(GENESIS_HASH, 1, "t", "a", "x", "s", {"s": {1, 2}})


def test_intact_chain_and_empty_chain():
    rows = build_chain()
    assert rows[0].prev_hash == GENESIS_HASH and rows[0].seq == 1
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert verify_chain(rows) is None
    assert verify_chain([]) is None


def test_altered_entry():
    rows = build_chain()
    rows[2].details["serial"] = "DN-2026-999999"
    assert verify_chain(rows) == ChainBreak(3, "hash mismatch: entry content was altered")


@pytest.mark.parametrize("field", ["at_iso", "actor", "action", "subject"])
def test_any_altered_field_is_detected(field):
    rows = build_chain()
    setattr(rows[1], field, getattr(rows[1], field) + "x")
    result = verify_chain(rows)
    assert result is not None and result.seq == 2 and "altered" in result.reason


def test_altered_and_rehashed_entry_breaks_the_next_link():
    rows = build_chain()
    rows[2].actor = "intruder"
    rows[2].hash = rows[2].computed_hash()
    result = verify_chain(rows)
    assert result is not None and result.seq == 4 and "prev_hash" in result.reason


def test_deleted_entry():
    rows = build_chain()
    del rows[2]
    result = verify_chain(rows)
    assert result is not None and result.seq == 4 and "gap" in result.reason


def test_inserted_entry_with_renumbering():
    rows = build_chain()
    forged = next_row(rows[1], "2026-11-22T10:00:01Z", "intruder", "x", "y", {})
    later = [dataclasses.replace(r, seq=r.seq + 1) for r in rows[2:]]
    result = verify_chain([*rows[:2], forged, *later])
    assert result is not None and result.seq == 4 and "prev_hash" in result.reason


def test_inserted_entry_with_duplicate_seq():
    rows = build_chain()
    forged = next_row(rows[1], "2026-11-22T10:00:01Z", "intruder", "x", "y", {})
    result = verify_chain([*rows[:3], forged, *rows[3:]])
    assert result is not None and result.seq == 3 and "duplicate" in result.reason


def test_reordered_entries():
    rows = build_chain()
    rows[1], rows[2] = rows[2], rows[1]
    result = verify_chain(rows)
    assert result is not None and result.seq == 3


def test_wrong_start():
    rows = build_chain()
    result = verify_chain(rows[1:])  # first entries deleted
    assert result == ChainBreak(2, "chain starts at seq 2, expected 1")
    rows[0].prev_hash = "f" * 64
    rows[0].hash = rows[0].computed_hash()
    result = verify_chain(rows)
    assert result is not None and result.seq == 1 and "genesis" in result.reason


def test_unhashable_stored_details_are_a_break_not_a_crash():
    rows = build_chain()
    rows[1].details = {"bad": {1, 2}}
    result = verify_chain(rows)
    assert result is not None and result.seq == 2 and "cannot be hashed" in result.reason


def test_streams_and_stops_at_first_break():
    consumed = []

    def rows() -> Iterator[ChainRow]:
        chain = build_chain(10)
        chain[3].subject = "tampered"
        for row in chain:
            consumed.append(row.seq)
            yield row

    assert verify_chain(rows()).seq == 4
    assert consumed == [1, 2, 3, 4]


def test_anchor_detects_truncated_tail():
    rows = build_chain(5)
    anchor = (5, rows[4].hash)
    assert verify_chain(rows, anchor=anchor) is None
    assert verify_chain([*rows, *build_chain(6)[5:]], anchor=(3, rows[2].hash)) is None
    result = verify_chain(rows[:3], anchor=anchor)
    assert result is not None and result.seq == 5 and "cut off" in result.reason
    result = verify_chain([], anchor=anchor)
    assert result is not None and "ends at seq 0" in result.reason
    assert verify_chain(rows, anchor=(5, "0" * 64)).seq == 5


def test_verify_head():
    rows = build_chain(3)
    head = (rows[-1].seq, rows[-1].hash)
    assert verify_head(head, head)
    assert not verify_head((2, rows[1].hash), head)
    assert not verify_head((3, rows[1].hash), head)
    assert not verify_head(None, head)


def test_hash_is_plain_json_verifiable():
    """An auditor without this code can recompute a hash from the stored columns."""
    row = build_chain(1)[0]
    stored = dataclasses.asdict(row)
    digest = stored.pop("hash")
    stored["at"] = stored.pop("at_iso")
    encoded = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(encoded.encode()).hexdigest() == digest
