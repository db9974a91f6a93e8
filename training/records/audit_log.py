"""The audit log as auditors see it: filtered pages, a streamed CSV export, verification."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import ColumnElement, func, select

from training.audit import chain_head, format_head, record_event
from training.audit.models import AuditEntry
from training.extensions import db
from training.records.csv_safe import iter_csv
from training.records.exports import CHUNK_SIZE, PreparedExport, chunked, export_filename
from training.records.filters import MAX_PAGE, ArgReader, query_args
from training.records.subjects import subject_labels

AUDIT_FILTERS = ("action", "actor", "at_from", "at_to")
PAGE_SIZE = 50
#: export rows whose subjects are named together (a handful of queries per batch)
LABEL_BATCH = 1000
AUDIT_COLUMNS = [
    ("seq", "Entry"),
    ("at", "At (UTC)"),  # exactly as hashed, so the hash can be recomputed from the file
    ("actor", "Actor"),
    ("action", "Action"),
    ("subject", "Subject"),
    ("subject_label", "Subject (readable)"),  # not hashed: who or what the subject is today
    ("details", "Details (JSON)"),
    ("prev_hash", "Previous hash"),
    ("hash", "Hash"),
]


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list: exact action, part of the actor, whole UTC days."""

    action: str = ""
    actor: str = ""
    at_from: date | None = None
    at_to: date | None = None

    def to_args(self) -> dict[str, str]:
        return query_args(self)

    def slug(self) -> str:
        parts = [f"action-{self.action}"] if self.action else []
        if self.at_from or self.at_to:
            start = self.at_from.isoformat() if self.at_from else "start"
            end = self.at_to.isoformat() if self.at_to else "now"
            parts.append(f"{start}_to_{end}")
        safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in "_".join(parts))
        return safe or "all"


def _read(reader: ArgReader) -> AuditFilter:
    at_from, at_to = reader.date_range("at_from", "at_to")
    action, actor = reader.text("action", 60), reader.text("actor", 254)
    return AuditFilter(action=action, actor=actor, at_from=at_from, at_to=at_to)


def parse_audit_request(args) -> tuple[AuditFilter, int]:
    """Filter and page number of the audit log page."""
    reader = ArgReader(args, (*AUDIT_FILTERS, "page"))
    flt = _read(reader)
    page = reader.integer("page", 1, 1, MAX_PAGE)
    reader.done()
    return flt, page


def parse_audit_export_request(args) -> AuditFilter:
    """Filter of an audit log export (the page's query string; the page number is ignored)."""
    reader = ArgReader(args, (*AUDIT_FILTERS, "page"))
    flt = _read(reader)
    reader.integer("page", 1, 1, MAX_PAGE)
    reader.done()
    return flt


def _conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.action:
        conditions.append(AuditEntry.action == flt.action)
    if flt.actor:
        conditions.append(AuditEntry.actor.contains(flt.actor.lower(), autoescape=True))
    if flt.at_from:
        conditions.append(AuditEntry.at >= datetime.combine(flt.at_from, time.min))
    if flt.at_to:
        conditions.append(AuditEntry.at <= datetime.combine(flt.at_to, time.max))
    return conditions


def audit_page(flt: AuditFilter, page: int):
    """Newest entries first, ``PAGE_SIZE`` per page (Flask-SQLAlchemy pagination)."""
    stmt = select(AuditEntry).where(*_conditions(flt)).order_by(AuditEntry.seq.desc())
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def action_choices() -> list[str]:
    """Every action that occurs in the log, for the filter's drop-down."""
    stmt = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(stmt))


def details_json(details: object) -> str:
    """Details as canonical JSON, the form the hash covers (so auditors can recompute it)."""
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _iter_entries(flt: AuditFilter, up_to_seq: int) -> Iterator[dict[str, object]]:
    columns = (
        AuditEntry.seq, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.subject,
        AuditEntry.details, AuditEntry.prev_hash, AuditEntry.hash,
    )
    stmt = (
        select(*columns).where(*_conditions(flt), AuditEntry.seq <= up_to_seq)
        .order_by(AuditEntry.seq).execution_options(yield_per=1000)
    )
    for rows in db.session.execute(stmt).partitions(LABEL_BATCH):
        labels = subject_labels({row.subject for row in rows})
        for row in rows:
            yield {
                "seq": row.seq, "at": row.at.isoformat(), "actor": row.actor, "action": row.action,
                "subject": row.subject, "subject_label": labels.get(row.subject, ""),
                "details": details_json(row.details), "prev_hash": row.prev_hash, "hash": row.hash,
            }


def prepare_audit_export(flt: AuditFilter) -> PreparedExport:
    """Count, audit and describe a CSV export of the log, oldest entry first.

    The file stops at the head as it was before this export's own entry, so its row count
    is exact; that entry's seq:hash goes out in the header as the new head.
    """
    up_to_seq, _ = chain_head()
    total = db.session.scalar(
        select(func.count(AuditEntry.id)).where(*_conditions(flt), AuditEntry.seq <= up_to_seq)
    )
    entry = record_event(
        "audit_log.exported", "audit_log", {"format": "csv", "filter": flt.to_args(), "rows": total}
    )
    size = current_app.config.get("RECORDS_EXPORT_CHUNK_BYTES", CHUNK_SIZE)

    def chunks() -> Iterator[bytes]:
        lines = iter_csv(_iter_entries(flt, up_to_seq), bom=True, columns=AUDIT_COLUMNS)
        return chunked(lines, size)

    return PreparedExport(
        filename=export_filename("audit-log", flt.slug(), "csv"),
        content_type="text/csv; charset=utf-8; header=present",
        rows=int(total or 0),
        head=format_head((entry.seq, entry.hash)),
        chunks=chunks,
    )
