"""CE records: the one certificate query behind the records page, both exports and the API.

Everything a record shows about the credit (names, profession, license, course, hours) comes
from the certificate's frozen snapshot, because that is what was printed and signed; only
the email is read from the live account, so a board can still reach the trainee.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from math import ceil
from urllib.parse import quote

from flask import current_app, request, url_for
from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select
from sqlalchemy.orm import aliased
from werkzeug.routing import BuildError

from modules.models import Course
from training.auth.models import User
from training.auth.roles import Profession
from training.certificates.models import Certificate
from training.extensions import db
from training.records.filters import CertificateFilter, Listing

Record = dict[str, object]

_superseding = aliased(Certificate, name="superseding")
_PLACEHOLDER = "0000-0000-0000-0000-0000"
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
    "practical_hours": "practical_hours",
    "ceus": "ceus",
}


def _base_statement() -> Select:
    return (
        select(
            Certificate.id, Certificate.user_id, Certificate.serial, Certificate.verification_code,
            Certificate.snapshot, Certificate.completion_date, Certificate.issued_at,
            Certificate.is_current, Certificate.revoked_at, Certificate.revocation_reason,
            Certificate.superseded_by_id, User.email,
            _superseding.serial.label("superseded_by_serial"),
        )
        .join(User, User.id == Certificate.user_id)
        .join(Course, Course.id == Certificate.course_id)
        .outerjoin(_superseding, _superseding.id == Certificate.superseded_by_id)
    )


def _status_condition(status: str) -> ColumnElement[bool]:
    """SQL for the same rule as ``Certificate.status`` (revoked wins over superseded)."""
    revoked = Certificate.revoked_at.is_not(None)
    superseded = or_(Certificate.superseded_by_id.is_not(None), not_(Certificate.is_current))
    if status == "revoked":
        return revoked
    if status == "superseded":
        return and_(not_(revoked), superseded)
    return and_(not_(revoked), not_(superseded))


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
        conditions.append(_status_condition(flt.status))
    return conditions


def _order(listing: Listing) -> list:
    """Allow-listed sort columns, always ending in the id so the order is total (stable bytes)."""
    last_name = Certificate.snapshot["trainee_last_name"].as_string()
    first_name = Certificate.snapshot["trainee_first_name"].as_string()
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


def verification_url_builder() -> Callable[[str], str]:
    """A fast ``code -> URL`` function, worked out once per request rather than per row.

    Uses the public verification page when that blueprint has it, based on PUBLIC_BASE_URL
    (what certificates print) or else this request's host.
    """
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    prefix, suffix = "/verify/", ""
    if "verify.verify_code" in current_app.view_functions:
        try:
            path = url_for("verify.verify_code", code=_PLACEHOLDER)
        except BuildError:
            path = ""
        if _PLACEHOLDER in path:
            prefix, _, suffix = path.partition(_PLACEHOLDER)
    return lambda code: f"{base}{prefix}{quote(code, safe='-')}{suffix}"


def utc_iso(moment: datetime | None) -> str | None:
    """Stored naive-UTC time as ISO 8601 with "Z", seconds precision (exports, API)."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def _status(row) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.superseded_by_id is not None or not row.is_current:
        return "superseded"
    return "valid"


def to_record(row, verification_url: Callable[[str], str]) -> Record:
    """One result row as the documented export record (plus ``id``/``user_id`` for links)."""
    snapshot = row.snapshot if isinstance(row.snapshot, dict) else {}
    record: Record = {
        "serial": row.serial,
        "verification_code": row.verification_code,
        "verification_url": verification_url(row.verification_code),
        "email": row.email,
        "completion_date": row.completion_date.isoformat(),
        "issue_date": utc_iso(row.issued_at),
        "status": _status(row),
        "revoked_at": utc_iso(row.revoked_at),
        "revocation_reason": row.revocation_reason,
        "superseded_by": row.superseded_by_serial,
        "id": row.id,
        "user_id": row.user_id,
    }
    for key, snapshot_key in _SNAPSHOT_FIELDS.items():
        value = snapshot.get(snapshot_key)
        record[key] = value if isinstance(value, str) else ""
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
    url = verification_url_builder()
    items = [to_record(row, url) for row in db.session.execute(stmt)]
    return RecordPage(items=items, total=total, page=listing.page, per_page=listing.per_page)


def iter_records(
    flt: CertificateFilter, listing: Listing, max_id: int, batch: int = 1000
) -> Iterator[Record]:
    """Every matching record up to ``max_id``, fetched ``batch`` rows at a time.

    ``yield_per`` turns into a server-side cursor on PostgreSQL and ``fetchmany`` on SQLite,
    and plain columns keep the ORM identity map empty, so memory does not grow with rows.
    """
    stmt = (
        _base_statement().where(*filter_conditions(flt), Certificate.id <= max_id)
        .order_by(*_order(listing)).execution_options(yield_per=batch)
    )
    url = verification_url_builder()
    for row in db.session.execute(stmt):
        yield to_record(row, url)


def api_records(flt: CertificateFilter, after_id: int, limit: int) -> tuple[list[Record], bool]:
    """Records after certificate ``after_id`` in id (issue) order, and whether more follow."""
    stmt = (
        _base_statement().where(*filter_conditions(flt), Certificate.id > after_id)
        .order_by(Certificate.id).limit(limit + 1)
    )
    url = verification_url_builder()
    rows = [to_record(row, url) for row in db.session.execute(stmt)]
    return rows[:limit], len(rows) > limit


def record_by_serial(serial: str) -> Record | None:
    """The record of one certificate, or None."""
    row = db.session.execute(_base_statement().where(Certificate.serial == serial)).first()
    return None if row is None else to_record(row, verification_url_builder())


def records_of_user(user_id: int) -> list[Record]:
    """Every certificate of one trainee, newest first (one query)."""
    stmt = (
        _base_statement().where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    url = verification_url_builder()
    return [to_record(row, url) for row in db.session.execute(stmt)]


def course_choices() -> list[tuple[str, str]]:
    """(code, "code - title") of every course, for the filter form."""
    rows = db.session.execute(select(Course.code, Course.title).order_by(Course.code))
    return [(code, f"{code} - {title}") for code, title in rows]
