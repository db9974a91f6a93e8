"""Query-string filters shared by the CE records pages, their exports and the records API.

One parser for every surface, so "what the page shows", "what the file contains" and "what
the API returns" cannot drift apart. Parsing is strict: an unknown or repeated parameter,
a malformed date or a reversed range is refused with a message per field rather than
silently ignored, because an auditor who mistypes a filter must not receive (and file away)
an export of something else.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date

from werkzeug.datastructures import MultiDict

from training.auth.roles import Profession
from training.certificates.models import CertificateStatus

STATUSES = tuple(status.value for status in CertificateStatus)
PROFESSIONS = tuple(p.value for p in Profession)
CERTIFICATE_FILTERS = (
    "issued_from", "issued_to", "course", "profession", "license_state", "status",
)
SORT_KEYS = ("issued", "completion", "serial", "course", "trainee")
DEFAULT_SORT = "-issued"
PAGE_SIZES = (25, 50, 100)
API_MAX_LIMIT = 200
API_DEFAULT_LIMIT = 50
MAX_PAGE = 100_000
#: ids are 32-bit integers in the schema; PostgreSQL refuses larger values outright
MAX_ID = 2**31 - 1

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COURSE_CODE_RE = re.compile(r"[A-Za-z0-9._-]{1,20}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_SLUG_UNSAFE_RE = re.compile(r"[^A-Za-z0-9.-]+")


class QueryError(ValueError):
    """Refused query parameters, one message per parameter name."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return " ".join(f"{name}: {text}" for name, text in self.errors.items())


class ArgReader:
    """Reads query parameters, collecting every problem so the user sees them all at once."""

    def __init__(self, args: MultiDict, allowed: Iterable[str]) -> None:
        self.args = args
        self.errors: dict[str, str] = {}
        allowed = tuple(allowed)
        for name in args:
            if name not in allowed:
                self.errors[name[:40]] = f"unknown parameter; allowed: {', '.join(allowed)}."
            elif len(args.getlist(name)) > 1:
                self.errors[name] = "give this parameter only once."

    def value(self, name: str) -> str:
        """The stripped value, "" when absent or empty (empty form fields mean "any")."""
        raw = self.args.get(name, "")
        if _CONTROL_RE.search(raw):
            self.errors[name] = "must not contain control characters."
            return ""
        return raw.strip()

    def text(
        self, name: str, max_length: int, pattern: re.Pattern | None = None, hint: str = ""
    ) -> str:
        value = self.value(name)
        if len(value) > max_length:
            self.errors[name] = f"use at most {max_length} characters."
            return ""
        if value and pattern is not None and not pattern.fullmatch(value):
            self.errors[name] = hint or "is not in the expected format."
            return ""
        return value

    def date(self, name: str) -> date | None:
        value = self.value(name)
        if not value:
            return None
        try:
            if not _DATE_RE.fullmatch(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = "enter a date as YYYY-MM-DD, e.g. 2026-01-31."
            return None

    def choice(self, name: str, choices: Iterable[str]) -> str:
        value = self.value(name)
        choices = tuple(choices)
        if value and value not in choices:
            self.errors[name] = f"choose one of {', '.join(choices)}."
            return ""
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        value = self.value(name)
        if not value:
            return default
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            self.errors[name] = f"enter a whole number from {low} to {high}."
            return default
        return int(value)

    def date_range(self, start: str, end: str) -> tuple[date | None, date | None]:
        first, last = self.date(start), self.date(end)
        if first and last and last < first:
            self.errors[end] = "the end date is before the start date."
        return first, last

    def done(self) -> None:
        if self.errors:
            raise QueryError(self.errors)


@dataclass(frozen=True)
class CertificateFilter:
    """Which certificates an auditor asked for; empty fields mean "any"."""

    issued_from: date | None = None
    issued_to: date | None = None
    course: str = ""
    profession: str = ""
    license_state: str = ""
    status: str = ""

    def to_args(self) -> dict[str, str]:
        """The canonical query parameters: for links, audit details and the API."""
        return query_args(self)

    def slug(self) -> str:
        """File-name part, e.g. ``course-DN-101_status-valid_2026-01-01_to_2026-06-30``."""
        parts = [
            f"{label}-{_SLUG_UNSAFE_RE.sub('-', value).strip('-') or 'x'}"
            for label, value in (
                ("course", self.course), ("profession", self.profession),
                ("state", self.license_state), ("status", self.status),
            )
            if value
        ]
        start, end = self.issued_from, self.issued_to
        if start and end:
            parts.append(f"{start.isoformat()}_to_{end.isoformat()}")
        elif start:
            parts.append(f"from-{start.isoformat()}")
        elif end:
            parts.append(f"to-{end.isoformat()}")
        return "_".join(parts) or "all"


@dataclass(frozen=True)
class Listing:
    """Sorting and page of a records page (the export uses the sort, not the page)."""

    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = PAGE_SIZES[0]

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


SORT_CHOICES = tuple(s for key in SORT_KEYS for s in (key, f"-{key}"))


def _read_certificate_filter(reader: ArgReader) -> CertificateFilter:
    issued_from, issued_to = reader.date_range("issued_from", "issued_to")
    return CertificateFilter(
        issued_from=issued_from,
        issued_to=issued_to,
        course=reader.text("course", 20, _COURSE_CODE_RE, "is not a course code (e.g. DN-101)."),
        profession=reader.choice("profession", PROFESSIONS),
        license_state=reader.text("license_state", 60),
        status=reader.choice("status", STATUSES),
    )


def parse_page_request(args: MultiDict) -> tuple[CertificateFilter, Listing]:
    """Filters, sort and page of the CE records page."""
    reader = ArgReader(args, (*CERTIFICATE_FILTERS, "sort", "page", "per_page"))
    flt = _read_certificate_filter(reader)
    listing = Listing(
        sort=reader.choice("sort", SORT_CHOICES) or DEFAULT_SORT,
        page=reader.integer("page", 1, 1, MAX_PAGE),
        per_page=reader.integer("per_page", PAGE_SIZES[0], 1, PAGE_SIZES[-1]),
    )
    reader.done()
    return flt, listing


def parse_export_request(args: MultiDict) -> tuple[CertificateFilter, Listing]:
    """Filters and sort of an export: the page's own query string minus the page number."""
    reader = ArgReader(args, (*CERTIFICATE_FILTERS, "sort", "page", "per_page"))
    flt = _read_certificate_filter(reader)
    listing = Listing(sort=reader.choice("sort", SORT_CHOICES) or DEFAULT_SORT)
    reader.integer("page", 1, 1, MAX_PAGE)  # accepted (it is in the page's URL) but not used
    reader.integer("per_page", PAGE_SIZES[0], 1, PAGE_SIZES[-1])
    reader.done()
    return flt, listing


@dataclass(frozen=True)
class ApiPage:
    """Keyset pagination of the API: ``after_id`` is the last certificate id already sent."""

    limit: int = API_DEFAULT_LIMIT
    after_id: int = 0


def parse_api_request(args: MultiDict) -> tuple[CertificateFilter, ApiPage]:
    """Filters, page size and cursor of ``GET /api/v1/certificates``."""
    reader = ArgReader(args, (*CERTIFICATE_FILTERS, "limit", "cursor"))
    flt = _read_certificate_filter(reader)
    limit = reader.integer("limit", API_DEFAULT_LIMIT, 1, API_MAX_LIMIT)
    cursor = reader.value("cursor")
    after_id = 0
    if cursor:
        try:
            after_id = decode_cursor(cursor)
        except ValueError:
            reader.errors["cursor"] = "is not a cursor from this API; pass next_cursor unchanged."
    reader.done()
    return flt, ApiPage(limit=limit, after_id=after_id)


def encode_cursor(last_id: int) -> str:
    """Opaque cursor for the page after certificate ``last_id``."""
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The certificate id a cursor points after; ValueError for anything not made by us."""
    if len(cursor) > 100:
        raise ValueError("cursor too long")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError("cursor is not valid") from None
    if not isinstance(data, dict) or set(data) != {"after"}:
        raise ValueError("cursor is not valid")
    after = data["after"]
    if type(after) is not int or not 0 < after <= MAX_ID:
        raise ValueError("cursor is not valid")
    return after


def query_args(criteria) -> dict[str, str]:
    """A filter dataclass as query parameters: its set fields, dates in ISO form."""
    args = {}
    for field in fields(criteria):
        value = getattr(criteria, field.name)
        if value:
            args[field.name] = value.isoformat() if isinstance(value, date) else value
    return args
