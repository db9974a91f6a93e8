"""The frozen data printed on (and signed for) a CE certificate.

A certificate must keep saying exactly what it said on the day it was issued, even
if the trainee later renames themselves or the course is edited. So everything the
PDF prints is copied into a :class:`CertificateSnapshot`, stored as JSON and signed.

Every field is a string on purpose: decimals such as hours and CEUs are kept as
their printed text ("9.5", "3.7") so that JSON round trips and signatures are exact
(no float drift, no "9.50" vs "9.5" ambiguity between writer and verifier).
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation

__all__ = [
    "CODE_ALPHABET",
    "CertificateSnapshot",
    "canonical_json",
    "ceus_from_hours",
    "credit_fields",
    "format_ceus",
    "format_hours",
    "format_issued_at",
    "new_serial",
    "new_verification_code",
    "normalize_code",
]

#: Crockford base32: digits and upper-case letters without I, L, O, U, so a code
#: read aloud or copied by hand has no look-alike characters.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 20  # 20 x 5 bits = 100 bits of entropy: unguessable, still typable
CODE_GROUP = 4  # shown as 5 groups of 4, e.g. "7KQ2-M9XD-0A4F-RT8B-ZZ3C"

_TENTH = Decimal("0.1")
_CONTACT_HOURS_PER_CEU = Decimal(10)
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISSUED_AT_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
# Crockford decoding is forgiving about look-alikes; everything else is rejected.
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Separators people paste: spaces, ASCII and Unicode dashes, dots, underscores.
_SEPARATORS_RE = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")
_MAX_CODE_INPUT = 100  # longer input is certainly not a code; don't bother normalizing


def _tenths_down(value: Decimal) -> Decimal:
    """Round down to one decimal: a certificate must never overstate credit."""
    if not value.is_finite() or value < 0:
        raise ValueError(f"hours must be a finite, non-negative number, got {value!r}")
    return value.quantize(_TENTH, rounding=ROUND_DOWN)


def ceus_from_hours(total: Decimal) -> Decimal:
    """CEUs for ``total`` contact hours: 1 CEU = 10 contact hours, rounded DOWN to the tenth.

    37 h -> 3.7 CEU; 9.5 h -> 0.9 CEU (0.95 is not rounded up, no credit is overstated).
    """
    return _tenths_down(Decimal(total) / _CONTACT_HOURS_PER_CEU)


def format_hours(hours: Decimal) -> str:
    """Contact hours as printed: at most one decimal, no trailing ".0" ("9.5", "27").

    Extra precision is rounded down to the tenth (9.25 -> "9.2") for the same reason
    as CEUs. Whole hours are printed without a decimal because that is how approval
    boards and course catalogues write them.
    """
    tenths = _tenths_down(Decimal(hours))
    if tenths == tenths.to_integral_value():
        return str(int(tenths))
    return f"{tenths:.1f}"


def format_ceus(ceus: Decimal) -> str:
    """CEUs always with exactly one decimal ("3.7", "1.0"), the customary CEU notation."""
    return f"{_tenths_down(Decimal(ceus)):.1f}"


def credit_fields(online: Decimal, practical: Decimal) -> dict[str, str]:
    """The four hour/CEU snapshot fields, computed consistently from the two hour parts.

    Each part is first rounded down to the tenth and the total is the sum of those
    printed parts, so the numbers on the certificate always add up (4.95 + 5.05 prints
    4.9 + 5 = 9.9, never 10) and no credit is overstated; CEUs follow from that total.
    """
    online, practical = _tenths_down(Decimal(online)), _tenths_down(Decimal(practical))
    total = online + practical
    return {
        "online_hours": format_hours(online),
        "practical_hours": format_hours(practical),
        "total_hours": format_hours(total),
        "ceus": format_ceus(ceus_from_hours(total)),
    }


def format_issued_at(moment: datetime) -> str:
    """``issued_at`` text: UTC, seconds precision, "Z" suffix ("2026-11-22T14:03:05Z").

    Naive datetimes are rejected: guessing a time zone would make the date printed on
    a certificate depend on the server's locale.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("issued_at must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_serial(year: int, sequence: int) -> str:
    """Readable, sortable serial number, e.g. ``new_serial(2026, 123) == "DN-2026-000123"``.

    Sequences past 999999 simply get more digits (never truncated, so never reused).
    """
    if not 1000 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    if sequence < 1:
        raise ValueError(f"sequence must be positive: {sequence}")
    return f"DN-{year:04d}-{sequence:06d}"


def _group(chars: str) -> str:
    return "-".join(chars[i : i + CODE_GROUP] for i in range(0, len(chars), CODE_GROUP))


def new_verification_code() -> str:
    """A fresh unguessable code (100 random bits from :mod:`secrets`) in Crockford base32.

    Format "XXXX-XXXX-XXXX-XXXX-XXXX": upper case, grouped so it can be typed from paper.
    """
    bits = secrets.randbits(CODE_CHARS * 5)
    chars = [CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(CODE_CHARS))]
    return _group("".join(chars))


def normalize_code(text: str) -> str | None:
    """Canonical form of a typed verification code, or None if it cannot be one.

    Tolerates lower case, spaces, dashes (also Unicode dashes from copy/paste), full-width
    characters and Crockford look-alikes (O -> 0, I/L -> 1). Rejects wrong lengths and
    characters outside the alphabet (e.g. "U"), so lookups never see garbage.
    """
    if not isinstance(text, str) or len(text) > _MAX_CODE_INPUT:
        return None
    cleaned = _SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", text)).upper()
    cleaned = cleaned.translate(_CONFUSABLES)
    if len(cleaned) != CODE_CHARS or any(c not in CODE_ALPHABET for c in cleaned):
        return None
    return _group(cleaned)


@dataclasses.dataclass(frozen=True)
class CertificateSnapshot:
    """Everything printed on one certificate, frozen at issue time (see module docstring)."""

    serial: str
    verification_code: str
    trainee_name: str
    trainee_first_name: str
    trainee_last_name: str
    profession: str  # human label, e.g. "Physical therapist"
    license_number: str
    license_state: str
    course_code: str
    course_title: str
    provider: str
    approval_number: str
    online_hours: str  # decimals as text, see module docstring
    practical_hours: str
    total_hours: str
    ceus: str
    completion_date: str  # ISO date, "2026-11-22"
    issued_at: str  # ISO 8601 UTC, seconds, "Z": "2026-11-22T14:03:05Z"
    supersedes: str = ""  # serial of the certificate this one replaces, or ""
    #: measured active hours on the course's lessons at issue, hundredths down (absent on certificates issued
    #: before time on task was measured: ``to_dict`` leaves out what is None, so their signed
    #: bytes are unchanged)
    online_active_hours: str | None = None
    #: lessons whose seat-time rule was met, "23/23"; online hours are the stated hours only
    #: when every lesson met it
    seat_time_lessons_met: str | None = None
    #: the boards' approvals valid on the completion day ("Board (FL) no. X, 24 h; ..."); absent
    #: on certificates issued before approvals were recorded or when the course has none
    board_approvals: str | None = None
    #: rubric skills assessed competent, "; "-joined (absent on certificates issued before the rubric)
    practical_skills: str | None = None
    #: ISO date of the last valid day (absent when the certificate never expires)
    expires_on: str | None = None
    #: serial of the previous cycle's certificate that this one renews (absent otherwise)
    renews: str | None = None

    def __post_init__(self) -> None:
        """Refuse malformed data up front: a signed snapshot can never be corrected later."""
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None and field.name in OPTIONAL_FIELDS:
                continue
            if not isinstance(value, str):
                raise ValueError(f"{field.name} must be a string, got {type(value).__name__}")
        if not self.serial:
            raise ValueError("serial must not be empty")
        if normalize_code(self.verification_code) != self.verification_code:
            raise ValueError("verification_code is not a canonical verification code")
        for name in ("online_hours", "practical_hours", "total_hours", "ceus"):
            _check_decimal(name, getattr(self, name))
        if self.online_active_hours is not None:
            _check_decimal("online_active_hours", self.online_active_hours)
        if self.seat_time_lessons_met is not None and not _MET_RE.fullmatch(self.seat_time_lessons_met):
            raise ValueError(f"seat_time_lessons_met is not 'N/M': {self.seat_time_lessons_met!r}")
        if not _is_iso_date(self.completion_date):
            raise ValueError(f"completion_date is not an ISO date: {self.completion_date!r}")
        if self.expires_on and not _is_iso_date(self.expires_on):
            raise ValueError(f"expires_on is not an ISO date: {self.expires_on!r}")
        if not _ISSUED_AT_RE.fullmatch(self.issued_at):
            raise ValueError(f"issued_at is not 'YYYY-MM-DDTHH:MM:SSZ': {self.issued_at!r}")
        self.issued_datetime()  # also checks that it is a real date and time

    def issued_datetime(self) -> datetime:
        """``issued_at`` parsed as an aware UTC datetime."""
        try:
            moment = datetime.strptime(self.issued_at, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise ValueError(f"issued_at is not a valid time: {self.issued_at!r}") from None
        return moment.replace(tzinfo=UTC)

    def to_dict(self) -> dict[str, str]:
        """Plain dict (JSON-ready) with every field; optional fields only when set."""
        return {name: value for name, value in dataclasses.asdict(self).items()
                if not (value is None and name in OPTIONAL_FIELDS)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CertificateSnapshot:
        """Rebuild from :meth:`to_dict` output; unknown or missing keys raise ValueError.

        Strict on purpose: a stored snapshot that doesn't match the schema exactly would
        not reproduce the signed bytes, so it is better to fail loudly.
        """
        expected = {f.name for f in dataclasses.fields(cls)}
        keys = set(data)
        if keys != expected and (keys | OPTIONAL_FIELDS) != expected:
            problems = []
            if missing := sorted(expected - keys - OPTIONAL_FIELDS):
                problems.append(f"missing keys: {', '.join(missing)}")
            if unknown := sorted(str(k) for k in keys - expected):
                problems.append(f"unknown keys: {', '.join(unknown)}")
            raise ValueError("; ".join(problems))
        return cls(**data)  # type: ignore[arg-type]  # types are checked in __post_init__


#: fields added after certificates were first issued: older snapshots do not have them
OPTIONAL_FIELDS = frozenset({"online_active_hours", "seat_time_lessons_met", "board_approvals",
                             "practical_skills", "expires_on", "renews"})
_MET_RE = re.compile(r"[0-9]+/[0-9]+")


def _is_iso_date(text: str) -> bool:
    if not _ISO_DATE_RE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_decimal(name: str, value: str) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} is not a decimal number: {value!r}") from None
    if not number.is_finite() or number < 0 or value.strip() != value:
        raise ValueError(f"{name} must be a plain non-negative number: {value!r}")


def canonical_json(snapshot: CertificateSnapshot) -> bytes:
    """The exact bytes that get signed: sorted keys, no whitespace, UTF-8, no \\u escapes.

    Any verifier (in any language) can rebuild these bytes from the stored JSON.
    """
    return json.dumps(
        snapshot.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
