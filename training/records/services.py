"""CE records: the one certificate query behind the records page, both exports and the API.

Everything a record shows about the credit (names, profession, license, course, hours) comes
from the certificate's frozen snapshot, because that is what was printed and signed; only
the email is read from the live account, so a board can still reach the trainee.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from math import ceil

from sqlalchemy import ColumnElement, Select, Text, column, func, select, true
from sqlalchemy.orm import aliased

from modules.models import Course
from training.auth.models import User
from training.auth.roles import Profession
from training.certificates.documents import verification_url
from training.certificates.models import Certificate
from training.extensions import db
from training.records.csv_safe import EXPORT_COLUMNS
from training.records.filters import CertificateFilter, Listing
from training.records.sql import iso_date, iso_utc

EXPORT_KEYS = [key for key, _ in EXPORT_COLUMNS]

Record = dict[str, object]

_superseding = aliased(Certificate, name="superseding")
_PLACEHOLDER = "0000-0000-0000-0000-0000"
#: the export columns the database delivers, in export order (the URL is added in Python)
_SELECTED_KEYS = [key for key, _ in EXPORT_COLUMNS if key != "verification_url"]
_SNAPSHOT_FIELDS = {
    "last_name": "trainee_last_name",
    "first_name": "trainee_first_name",
    "profession": "profession",
    "license_number": "license_number",
    "license_state": "license_state",
    "course_code": "course_code",
    "course_title": "course_title",
    "provider": "provider",
    "approval_number": "approval_number",
    "online_hours": "online_hours",
    "online_active_hours": "online_active_hours",
    "practical_hours": "practical_hours",
    "ceus": "ceus",
}
#: every snapshot field a record reads (the approvals printed replace the provider's number)
_SNAPSHOT_READ = (*_SNAPSHOT_FIELDS.values(), "board_approvals")
#: PostgreSQL parses a ``json`` value again for every ``->>``; ``json_to_record`` in the FROM
#: clause parses each snapshot once per row (measured: 14 fields of 100,000 rows, 3.5 s -> 0.5 s)
_snapshot_record = (
    func.json_to_record(Certificate.snapshot)
    .table_valued(*(column(field, Text) for field in _SNAPSHOT_READ))
    .render_derived(name="snap", with_types=True)
)


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _snapshot_field(field: str) -> ColumnElement:
    """One snapshot field as text: from the row's parsed record on PostgreSQL, else by path."""
    if _on_postgresql():
        return _snapshot_record.c[field]
    return Certificate.snapshot[field].as_string()


def _selected_columns() -> list:
    """Every export column as ready-made text, then ``id`` and ``user_id`` for links and cursors."""
    direct = {
        "serial": Certificate.serial,
        "verification_code": Certificate.verification_code,
        "email": User.email,
        "completion_date": iso_date(Certificate.completion_date),
        "issue_date": iso_utc(Certificate.issued_at),
        "status": Certificate.status,
        "revoked_at": iso_utc(Certificate.revoked_at),
        "revocation_reason": Certificate.revocation_reason,
        "superseded_by": _superseding.serial,
    }
    for key, field in _SNAPSHOT_FIELDS.items():
        direct[key] = _snapshot_field(field)
    # the boards' approvals printed on the certificate replace the provider's single number
    direct["approval_number"] = func.coalesce(
        func.nullif(_snapshot_field("board_approvals"), ""), direct["approval_number"]
    )
    return [
        *(direct[key].label(key) for key in _SELECTED_KEYS),
        Certificate.id.label("id"),
        Certificate.user_id.label("user_id"),
    ]


def _base_statement() -> Select:
    stmt = select(*_selected_columns()).select_from(Certificate)
    if _on_postgresql():  # a function in FROM may read the certificate's columns (LATERAL)
        stmt = stmt.join(_snapshot_record, true())
    return (
        stmt.join(User, User.id == Certificate.user_id)
        .join(Course, Course.id == Certificate.course_id)
        .outerjoin(_superseding, _superseding.id == Certificate.superseded_by_id)
    )


def _rows(stmt: Select):
    """Run on the session's connection as plain Core: no ORM row loading per row."""
    return db.session.connection().execute(stmt)


def filter_conditions(flt: CertificateFilter) -> list[ColumnElement[bool]]:
    """WHERE clauses for ``flt``; dates are whole UTC days, both ends included."""
    conditions: list[ColumnElement[bool]] = []
    if flt.issued_from:
        conditions.append(Certificate.issued_at >= datetime.combine(flt.issued_from, time.min))
    if flt.issued_to:
        conditions.append(Certificate.issued_at <= datetime.combine(flt.issued_to, time.max))
    if flt.course:
        conditions.append(Course.code == flt.course)
    if flt.profession:
        # the column is denormalised from the snapshot, which prints the label; accept both
        label = Profession(flt.profession).label
        conditions.append(Certificate.profession.in_([flt.profession, label]))
    if flt.license_state:
        conditions.append(func.upper(Certificate.license_state) == flt.license_state.upper())
    if flt.status:
        conditions.append(Certificate.status == flt.status)
    return conditions


def _order(listing: Listing) -> list:
    """Allow-listed sort columns, always ending in the id so the order is total (stable bytes)."""
    last_name, first_name = _snapshot_field("trainee_last_name"), _snapshot_field("trainee_first_name")
    columns = {
        "issued": [Certificate.issued_at],
        "completion": [Certificate.completion_date, Certificate.issued_at],
        "serial": [Certificate.serial],
        "course": [Course.code, Certificate.issued_at],
        "trainee": [last_name, first_name],
    }[listing.sort_key]
    columns = [*columns, Certificate.id]
    return [c.desc() for c in columns] if listing.descending else [c.asc() for c in columns]


def count_records(flt: CertificateFilter) -> tuple[int, int]:
    """(how many certificates match, highest matching id) in one statement.

    Exports stream ``id <= highest id`` so the file holds exactly the counted rows even if
    a certificate is issued while it downloads.
    """
    stmt = (
        select(func.count(Certificate.id), func.coalesce(func.max(Certificate.id), 0))
        .select_from(Certificate)
        .join(Course, Course.id == Certificate.course_id)
        .where(*filter_conditions(flt))
    )
    total, max_id = db.session.execute(stmt).one()
    return int(total), int(max_id)


def verification_url_parts() -> tuple[str, str]:
    """(text before the code, text after it) of verification links, worked out once per request.

    Split from the address the certificate prints (``verification_url``, the one place it is
    built), so an export row costs a string join. Codes are canonical Crockford base32 with
    dashes (the snapshot refuses anything else), so they need no URL quoting.
    """
    prefix, _, suffix = verification_url(_PLACEHOLDER).partition(_PLACEHOLDER)
    return prefix, suffix


def _export_values(row, prefix: str, suffix: str) -> tuple:
    """A result row as the export's values, in EXPORT_COLUMNS order."""
    return (row[0], row[1], f"{prefix}{row[1]}{suffix}", *row[2:-2])


def to_record(row, url_parts: tuple[str, str]) -> Record:
    """One result row as the documented export record (plus ``id``/``user_id`` for links)."""
    record: Record = dict(zip(EXPORT_KEYS, _export_values(row, *url_parts), strict=True))
    record["id"], record["user_id"] = row.id, row.user_id
    return record


@dataclass(frozen=True)
class RecordPage:
    items: list[Record]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def records_page(flt: CertificateFilter, listing: Listing) -> RecordPage:
    """One page of the records list: a count and one query for the rows."""
    total, _ = count_records(flt)
    stmt = (
        _base_statement().where(*filter_conditions(flt)).order_by(*_order(listing))
        .offset((listing.page - 1) * listing.per_page).limit(listing.per_page)
    )
    url_parts = verification_url_parts()
    items = [to_record(row, url_parts) for row in _rows(stmt)]
    return RecordPage(items=items, total=total, page=listing.page, per_page=listing.per_page)


def iter_export_values(
    flt: CertificateFilter, listing: Listing, max_id: int, batch: int = 1000
) -> Iterator[tuple]:
    """Every matching record up to ``max_id`` as a tuple in EXPORT_COLUMNS order.

    ``yield_per`` turns into a server-side cursor on PostgreSQL and ``fetchmany`` on SQLite,
    and rows are plain tuples of text, so memory holds one batch whatever the row count.
    """
    stmt = (
        _base_statement().where(*filter_conditions(flt), Certificate.id <= max_id)
        .order_by(*_order(listing)).execution_options(yield_per=batch)
    )
    prefix, suffix = verification_url_parts()
    for row in _rows(stmt):  # _export_values inlined: this loop runs once per exported row
        yield (row[0], row[1], f"{prefix}{row[1]}{suffix}", *row[2:-2])


def api_records(flt: CertificateFilter, after_id: int, limit: int) -> tuple[list[Record], bool]:
    """Records after certificate ``after_id`` in id (issue) order, and whether more follow."""
    stmt = (
        _base_statement().where(*filter_conditions(flt), Certificate.id > after_id)
        .order_by(Certificate.id).limit(limit + 1)
    )
    url_parts = verification_url_parts()
    rows = [to_record(row, url_parts) for row in _rows(stmt)]
    return rows[:limit], len(rows) > limit


def record_by_serial(serial: str) -> Record | None:
    """The record of one certificate, or None."""
    row = _rows(_base_statement().where(Certificate.serial == serial)).first()
    return None if row is None else to_record(row, verification_url_parts())


def records_of_user(user_id: int) -> list[Record]:
    """Every certificate of one trainee, newest first (one query)."""
    stmt = (
        _base_statement().where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    url_parts = verification_url_parts()
    return [to_record(row, url_parts) for row in _rows(stmt)]


def course_choices() -> list[tuple[str, str]]:
    """(code, "code - title") of every course, for the filter form."""
    rows = db.session.execute(select(Course.code, Course.title).order_by(Course.code))
    return [(code, f"{code} - {title}") for code, title in rows]
