"""Certificate record exports for auditors and licensing boards (CSV and JSON Lines).

CSV exports end up opened in Excel/LibreOffice, where a cell such as ``=HYPERLINK(...)``
typed into a trainee's name would run as a formula ("CSV injection"). Values are
therefore neutralised in the CSV output, following OWASP's guidance. JSON Lines is
meant for programs, so it carries the raw values.

Both writers are generators: a Flask response can stream them row by row straight
from a database cursor, so exporting years of records needs no memory for the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

__all__ = [
    "EXPORT_COLUMNS",
    "iter_csv",
    "iter_csv_values",
    "iter_jsonl",
    "iter_jsonl_values",
    "json_record",
    "spreadsheet_safe",
]

#: (row key, CSV header) in export order. JSON Lines uses the keys, CSV the headers.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("serial", "Serial number"),
    ("verification_code", "Verification code"),
    ("verification_url", "Verification URL"),
    ("last_name", "Last name"),
    ("first_name", "First name"),
    ("email", "Email"),
    ("profession", "Profession"),
    ("license_number", "License number"),
    ("license_state", "License state"),
    ("course_code", "Course code"),
    ("course_title", "Course title"),
    ("provider", "Provider"),
    ("approval_number", "Approval numbers"),
    ("online_hours", "Online contact hours"),
    ("online_active_hours", "Online active hours (measured)"),
    ("practical_hours", "In-person practical hours"),
    ("ceus", "CEUs"),
    ("completion_date", "Completion date"),
    ("issue_date", "Issue date"),
    ("status", "Status"),
    ("revoked_at", "Revoked at"),
    ("revocation_reason", "Revocation reason"),
    ("superseded_by", "Superseded by"),
]

# Characters that make spreadsheets treat a cell as a formula (OWASP list: = + - @
# tab CR), plus LF and the full-width variants that some Excel locales also accept.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_TRIGGER_CHARS = frozenset(_FORMULA_TRIGGERS)  # all single characters: the first one decides


def spreadsheet_safe(value: str) -> str:
    """Prefix a single quote to a value a spreadsheet could run as a formula.

    Every value starting with a trigger character is prefixed, including numbers such
    as "-3": telling real numbers from "-1+cmd|..." payloads is exactly the kind of
    cleverness attacks exploit, and this export never contains negative numbers
    (hours/CEUs are non-negative, dates start with a digit). The quote is visible in
    the raw CSV; Excel hides it and shows the text literally.
    """
    if value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def _text(value: object) -> str:
    """Plain text for one cell: None -> "", dates ISO 8601, Decimal exact, bool lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class _LineBuffer:
    """File-like target for csv.writer that hands back exactly one formatted line."""

    def __init__(self) -> None:
        self.line = ""

    def write(self, text: str) -> int:
        self.line += text
        return len(text)

    def take(self) -> str:
        line, self.line = self.line, ""
        return line


def _cell(value: object) -> str:
    return spreadsheet_safe(_text(value))


def iter_csv_values(
    rows: Iterable[Sequence[object]],
    *,
    bom: bool = False,
    columns: Sequence[tuple[str, str]] = EXPORT_COLUMNS,
) -> Iterator[str]:
    """Like :func:`iter_csv` for rows that are already value sequences in ``columns`` order.

    The export hot path: a plain string that cannot start a formula is written as is, and
    only other values (None, numbers, dates, trigger characters) take the slower road.
    """
    buffer = _LineBuffer()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([header for _, header in columns])
    yield ("\ufeff" if bom else "") + buffer.take()
    triggers = _TRIGGER_CHARS
    for values in rows:
        writer.writerow([
            v if v.__class__ is str and v[:1] not in triggers else _cell(v) for v in values
        ])
        yield buffer.take()


def iter_csv(
    rows: Iterable[Mapping[str, object]],
    *,
    bom: bool = False,
    columns: Sequence[tuple[str, str]] = EXPORT_COLUMNS,
) -> Iterator[str]:
    """Yield the header line, then one RFC 4180 line (CRLF-terminated) per row, lazily.

    Quoting is csv.QUOTE_MINIMAL, so values with commas, quotes or line breaks are
    quoted and round-trip through any CSV reader. Values are passed through
    :func:`spreadsheet_safe`; missing keys and None become empty cells. ``bom=True``
    starts the output with U+FEFF so Excel detects UTF-8 (accents stay intact).
    ``columns`` lets other exports (the audit log) share the same safe writer.
    """
    keys = [key for key, _ in columns]
    values = ([row.get(key) for key in keys] for row in rows)
    return iter_csv_values(values, bom=bom, columns=columns)


# Valid raw inside JSON strings, but str.splitlines() and some editors break lines on
# them; escaping keeps "one record per line" true for every reader.
_LINE_BREAK_ESCAPES = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _json_value(value: object) -> object:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        return str(value)  # exact, unlike a float
    return _text(value)


def json_record(row: Mapping[str, object]) -> dict[str, object]:
    """One row as the JSON object both JSON Lines and the records API return."""
    return {key: _json_value(row.get(key)) for key, _ in EXPORT_COLUMNS}


def _jsonl_line(record: dict[str, object]) -> str:
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if "\u2028" in line or "\u2029" in line or "\x85" in line:  # rare: scan before rewriting
        line = line.translate(_LINE_BREAK_ESCAPES)
    return line + "\n"


def iter_jsonl_values(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Like :func:`iter_jsonl` for value sequences in EXPORT_COLUMNS order (the export path)."""
    keys = [key for key, _ in EXPORT_COLUMNS]
    for values in rows:
        yield _jsonl_line({
            key: v if v is None or v.__class__ is str else _json_value(v)
            for key, v in zip(keys, values, strict=True)
        })


def iter_jsonl(rows: Iterable[Mapping[str, object]]) -> Iterator[str]:
    """Yield one compact JSON object per row ("\\n"-terminated), keys in column order.

    No formula escaping (JSON is for programs), UTF-8 characters kept as is (except the
    Unicode line separators U+0085/U+2028/U+2029, written as \\u escapes), None stays
    null, Decimals and dates become strings so nothing loses precision.
    """
    for row in rows:
        yield _jsonl_line(json_record(row))
