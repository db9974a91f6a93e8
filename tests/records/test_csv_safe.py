"""Auditor exports: spreadsheet-safe, RFC 4180 CSV and JSON Lines, both streamed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

import pytest

from training.records.csv_safe import EXPORT_COLUMNS, iter_csv, iter_jsonl, spreadsheet_safe

KEYS = [key for key, _ in EXPORT_COLUMNS]


def record(**values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(KEYS, "")
    row.update(
        serial="DN-2026-000123",
        verification_code="7KQ2-M9XD-0A4F-RT8B-ZZ3C",
        last_name="Ñúñez",
        first_name="Zoë",
        online_hours=Decimal("9.5"),
        practical_hours="18",
        ceus="2.7",
        completion_date=date(2026, 11, 22),
        status="valid",
    )
    row.update(values)
    return row


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_columns():
    assert KEYS == [
        "serial", "verification_code", "verification_url", "last_name", "first_name", "email",
        "profession", "license_number", "license_state", "course_code", "course_title",
        "provider", "approval_number", "online_hours", "online_active_hours", "practical_hours",
        "ceus", "completion_date", "issue_date", "status", "revoked_at", "revocation_reason",
        "superseded_by",
    ]  # fmt: skip
    assert len({header for _, header in EXPORT_COLUMNS}) == len(EXPORT_COLUMNS)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+15551234", "'+15551234"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\rx", "'\rx"),
        ("＝1+1", "'＝1+1"),
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
        ("9.5", "9.5"),
        ("DN-2026-000123", "DN-2026-000123"),
        ("'already", "'already"),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_csv_header_and_line_endings():
    lines = list(iter_csv([record(), record(serial="DN-2026-000124")]))
    assert len(lines) == 3
    assert lines[0] == ",".join(header for _, header in EXPORT_COLUMNS) + "\r\n"
    assert all(line.endswith("\r\n") for line in lines)
    assert lines[1].startswith("DN-2026-000123,7KQ2-M9XD-0A4F-RT8B-ZZ3C,,Ñúñez,Zoë,")


def test_csv_round_trip_of_awkward_values():
    awkward = {
        "course_title": 'Dry Needling, "Level 1"',
        "revocation_reason": "line one\nline two\r\nline three",
        "last_name": "Ñúñez-Ødegård",
        "first_name": "=cmd|'/C calc'!A0",
        "email": "@evil.example",
        "license_number": "-12",
        "provider": "+Provider",
        "approval_number": "\tTAB",
        "revoked_at": datetime(2026, 12, 1, 9, 30),
        "superseded_by": None,
    }
    rows = [record(**awkward), record()]
    parsed = parse_csv("".join(iter_csv(rows)))
    assert parsed[0] == [header for _, header in EXPORT_COLUMNS]
    assert len(parsed) == 3
    got = dict(zip(KEYS, parsed[1], strict=True))
    assert got["course_title"] == 'Dry Needling, "Level 1"'
    assert got["revocation_reason"] == "line one\nline two\r\nline three"
    assert got["last_name"] == "Ñúñez-Ødegård"
    assert got["first_name"] == "'=cmd|'/C calc'!A0"
    assert got["email"] == "'@evil.example"
    assert got["license_number"] == "'-12"
    assert got["provider"] == "'+Provider"
    assert got["approval_number"] == "'\tTAB"
    assert got["revoked_at"] == "2026-12-01T09:30:00"
    assert got["superseded_by"] == ""
    assert got["online_hours"] == "9.5" and got["completion_date"] == "2026-11-22"
    for key, cell in got.items():
        value = rows[0][key]
        if isinstance(value, str):
            assert cell == spreadsheet_safe(value), key


def test_missing_keys_and_none_become_empty_cells():
    parsed = parse_csv("".join(iter_csv([{"serial": "DN-1", "email": None}])))
    assert parsed[1] == ["DN-1"] + [""] * (len(KEYS) - 1)


def test_bom_for_excel():
    first = next(iter_csv([], bom=True))
    assert first.startswith("\ufeffSerial number,")
    assert list(iter_csv([])) == [",".join(h for _, h in EXPORT_COLUMNS) + "\r\n"]


def counting_rows(consumed: list[int], total: int = 1000) -> Iterator[dict[str, object]]:
    for i in range(total):
        consumed.append(i)
        yield record(serial=f"DN-2026-{i:06d}")


def test_csv_is_lazy():
    consumed: list[int] = []
    lines = iter_csv(counting_rows(consumed))
    assert consumed == []  # nothing read before the first line is asked for
    header, first = islice(lines, 2)
    assert header.startswith("Serial number,")
    assert first.startswith("DN-2026-000000,")
    assert consumed == [0]


def test_jsonl_lines():
    rows = [
        record(first_name="=cmd", course_title="Línea\nnueva", revocation_reason="a\u2028b"),
        record(serial="DN-2026-000124", superseded_by=None, ceus=Decimal("2.70")),
    ]
    lines = list(iter_jsonl(rows))
    assert len(lines) == 2
    for line in lines:
        assert line.endswith("\n") and line.count("\n") == 1
        assert len(line.splitlines()) == 1  # no Unicode line breaks either
    first = json.loads(lines[0])
    assert list(first) == KEYS  # column order, not sorted
    assert first["first_name"] == "=cmd"  # no formula escaping in JSON
    assert first["course_title"] == "Línea\nnueva"
    assert first["revocation_reason"] == "a\u2028b"
    assert first["online_hours"] == "9.5" and first["completion_date"] == "2026-11-22"
    assert "Ñúñez" in lines[0]  # ensure_ascii=False
    second = json.loads(lines[1])
    assert second["superseded_by"] is None and second["ceus"] == "2.70"
    assert ", " not in lines[1] and '": ' not in lines[1]


def test_jsonl_is_lazy():
    consumed: list[int] = []
    lines = iter_jsonl(counting_rows(consumed))
    assert json.loads(next(lines))["serial"] == "DN-2026-000000"
    assert consumed == [0]
