"""Certificate snapshot: credit arithmetic, serialisation, serials and verification codes."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from training.certificates.snapshot import (
    CODE_ALPHABET,
    CertificateSnapshot,
    canonical_json,
    ceus_from_hours,
    credit_fields,
    format_ceus,
    format_hours,
    format_issued_at,
    new_serial,
    new_verification_code,
    normalize_code,
)

CODE = "7KQ2-M9XD-0A4F-RT8B-ZZ3C"


def snapshot_data(**overrides: str) -> dict[str, str]:
    data = {
        "serial": "DN-2026-000123",
        "verification_code": CODE,
        "trainee_name": "Zoë Ñúñez",
        "trainee_first_name": "Zoë",
        "trainee_last_name": "Ñúñez",
        "profession": "Physical therapist",
        "license_number": "PT 012345",
        "license_state": "CA",
        "course_code": "DN-201",
        "course_title": "Dry Needling Level 1",
        "provider": "Northwind Dry Needling Institute",
        "approval_number": "CPTA-2026-0457",
        "online_hours": "9.5",
        "practical_hours": "18",
        "total_hours": "27.5",
        "ceus": "2.7",
        "completion_date": "2026-11-22",
        "issued_at": "2026-11-22T14:03:05Z",
        "supersedes": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("hours", "ceus"),
    [("37", "3.7"), ("9.5", "0.9"), ("27.5", "2.7"), ("10", "1.0"), ("9.99", "0.9"), ("0", "0.0")],
)
def test_ceus_are_tenth_of_hours_rounded_down(hours, ceus):
    assert ceus_from_hours(Decimal(hours)) == Decimal(ceus)
    assert format_ceus(ceus_from_hours(Decimal(hours))) == ceus


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_ceus_reject_negative_and_non_finite(bad):
    with pytest.raises(ValueError):
        ceus_from_hours(bad)


@pytest.mark.parametrize(
    ("hours", "text"),
    [("9.5", "9.5"), ("27", "27"), ("27.0", "27"), ("27.00", "27"), ("9.25", "9.2"),
     ("9.99", "9.9"), ("0", "0"), ("1E+1", "10"), ("0.05", "0")],
)  # fmt: skip
def test_format_hours(hours, text):
    assert format_hours(Decimal(hours)) == text


def test_credit_fields_are_consistent():
    assert credit_fields(Decimal("9.5"), Decimal("18")) == {
        "online_hours": "9.5",
        "practical_hours": "18",
        "total_hours": "27.5",
        "ceus": "2.7",
    }
    # the printed parts always add up to the printed total
    assert credit_fields(Decimal("4.95"), Decimal("5.05")) == {
        "online_hours": "4.9",
        "practical_hours": "5",
        "total_hours": "9.9",
        "ceus": "0.9",
    }


def test_dict_round_trip_and_frozen():
    snap = CertificateSnapshot(**snapshot_data())
    assert CertificateSnapshot.from_dict(snap.to_dict()) == snap
    assert CertificateSnapshot.from_dict(json.loads(canonical_json(snap))) == snap
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.serial = "other"  # type: ignore[misc]


def test_from_dict_rejects_missing_and_unknown_keys():
    data = snapshot_data()
    del data["ceus"]
    with pytest.raises(ValueError, match="missing keys: ceus"):
        CertificateSnapshot.from_dict(data)
    with pytest.raises(ValueError, match="unknown keys: extra"):
        CertificateSnapshot.from_dict({**snapshot_data(), "extra": "x"})


@pytest.mark.parametrize(
    "overrides",
    [
        {"online_hours": 9.5},
        {"ceus": "-1"},
        {"ceus": "abc"},
        {"total_hours": " 27"},
        {"completion_date": "2026-13-01"},
        {"completion_date": "20261122"},
        {"issued_at": "2026-11-22T14:03:05+00:00"},
        {"issued_at": "2026-11-22T14:03:05.123Z"},
        {"issued_at": "2026-02-30T14:03:05Z"},
        {"verification_code": "not-a-code"},
        {"verification_code": CODE.lower()},
        {"serial": ""},
    ],
)
def test_invalid_values_are_refused(overrides):
    with pytest.raises(ValueError):
        CertificateSnapshot.from_dict(snapshot_data(**overrides))


def test_canonical_json_is_sorted_compact_utf8():
    snap = CertificateSnapshot(**snapshot_data())
    raw = canonical_json(snap)
    assert raw == canonical_json(CertificateSnapshot(**snapshot_data()))
    text = raw.decode("utf-8")
    assert "Zoë Ñúñez" in text and "\\u" not in text
    assert ": " not in text and ", " not in text
    keys = list(json.loads(text))
    assert keys == sorted(keys)
    assert text.startswith('{"approval_number":"CPTA-2026-0457","ceus":"2.7",')


def test_issued_at_helpers():
    moment = datetime(2026, 11, 22, 9, 3, 5, 999, tzinfo=timezone(timedelta(hours=-5)))
    assert format_issued_at(moment) == "2026-11-22T14:03:05Z"
    with pytest.raises(ValueError):
        format_issued_at(datetime(2026, 11, 22, 14, 3, 5))
    snap = CertificateSnapshot(**snapshot_data())
    assert snap.issued_datetime() == datetime(2026, 11, 22, 14, 3, 5, tzinfo=UTC)


def test_new_serial():
    assert new_serial(2026, 123) == "DN-2026-000123"
    assert new_serial(2026, 1234567) == "DN-2026-1234567"
    for year, seq in [(2026, 0), (26, 1), (2026, -5)]:
        with pytest.raises(ValueError):
            new_serial(year, seq)


def test_verification_codes_are_random_grouped_crockford():
    codes = {new_verification_code() for _ in range(2000)}
    assert len(codes) == 2000
    pattern = re.compile(rf"[{CODE_ALPHABET}]{{4}}(-[{CODE_ALPHABET}]{{4}}){{4}}")
    for code in codes:
        assert pattern.fullmatch(code), code
        assert normalize_code(code) == code
    # every alphabet symbol shows up: the 5-bit groups are really used
    assert set("".join(codes).replace("-", "")) == set(CODE_ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        CODE.lower(),
        CODE.replace("-", ""),
        CODE.replace("-", " "),
        "  7kq2 m9xd 0a4f rt8b zz3c  ",
        "7KQ2\u2013M9XD\u2014OA4F-RT8B-ZZ3C",  # Unicode dashes, letter O for zero
        "７ＫＱ２-Ｍ９ＸＤ-０Ａ４Ｆ-ＲＴ８Ｂ-ＺＺ３Ｃ",  # full-width
    ],
)
def test_normalize_code_is_tolerant(typed):
    assert normalize_code(typed) == CODE


def test_normalize_code_confusables():
    assert normalize_code("IIII-LLLL-llll-iiii-OOOO") == "1111-1111-1111-1111-0000"


@pytest.mark.parametrize(
    "typed",
    ["", "7KQ2-M9XD", CODE + "A", "UUUU-UUUU-UUUU-UUUU-UUUU", "7KQ2-M9XD-0A4F-RT8B-ZZ3!",
     "7" * 500, None, 12345],
)  # fmt: skip
def test_normalize_code_rejects_malformed(typed):
    assert normalize_code(typed) is None
