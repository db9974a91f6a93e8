"""Streaming exports: CE records as CSV or JSON Lines, each one audited before it starts.

The audit entry (who, which filter, how many rows) is flushed here and committed by the
route *before* the first byte leaves, so an export that is cut short is still on record;
its seq:hash travels with the file in the ``X-Audit-Chain-Head`` header, which lets the
recipient prove later that nobody cut entries off the end of the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from flask import Response, current_app, stream_with_context

from training.audit import format_head, record_event
from training.database import utcnow
from training.records.csv_safe import iter_csv_values, iter_jsonl_values
from training.records.filters import CertificateFilter, Listing
from training.records.services import count_records, iter_export_values

FORMATS = {
    "csv": ("text/csv; charset=utf-8; header=present", "csv"),
    "jsonl": ("application/jsonl; charset=utf-8", "jsonl"),
}
#: bytes gathered before each write; big enough to be cheap, small enough to stay flat
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class PreparedExport:
    """An audited export, ready to stream."""

    filename: str
    content_type: str
    rows: int
    head: str
    chunks: Callable[[], Iterator[bytes]]


def chunked(lines: Iterable[str], size: int) -> Iterator[bytes]:
    """Join lines into UTF-8 chunks of about ``size`` bytes (one write per chunk, not per row)."""
    buffer: list[str] = []
    length = 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer.clear()
            length = 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def export_filename(kind: str, slug: str, extension: str) -> str:
    """``ce-records_<filter>_exported-<UTC date>.<ext>``: what and when, readable in a folder."""
    return f"{kind}_{slug}_exported-{utcnow().date().isoformat()}.{extension}"


def prepare_certificate_export(
    flt: CertificateFilter, listing: Listing, fmt: str
) -> PreparedExport:
    """Count, audit and describe an export of the certificates ``flt`` selects.

    The caller commits, then streams ``chunks()``. Rows are the records page's rows in the
    page's order (id breaks ties), so the same filter gives the same bytes every time.
    """
    content_type, extension = FORMATS[fmt]
    total, max_id = count_records(flt)
    entry = record_event(
        "certificates.exported",
        "certificates",
        {"format": fmt, "filter": flt.to_args(), "sort": listing.sort, "rows": total},
    )
    size = current_app.config.get("RECORDS_EXPORT_CHUNK_BYTES", CHUNK_SIZE)

    def chunks() -> Iterator[bytes]:
        values = iter_export_values(flt, listing, max_id)
        lines = iter_csv_values(values, bom=True) if fmt == "csv" else iter_jsonl_values(values)
        return chunked(lines, size)

    return PreparedExport(
        filename=export_filename("ce-records", flt.slug(), extension),
        content_type=content_type,
        rows=total,
        head=format_head((entry.seq, entry.hash)),
        chunks=chunks,
    )


def stream_response(export: PreparedExport) -> Response:
    """The streamed download; the request context stays open until the last chunk."""
    response = Response(stream_with_context(export.chunks()), content_type=export.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["X-Audit-Chain-Head"] = export.head
    response.headers["X-Export-Rows"] = str(export.rows)
    response.headers["Cache-Control"] = "no-store"
    return response
