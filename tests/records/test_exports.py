"""CE record exports: exact, spreadsheet-safe, byte-stable, streamed, and audited first."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from training.audit import chain_head, format_head
from training.audit.models import AuditEntry
from training.certificates.documents import verification_url
from training.extensions import db as _db
from training.records.csv_safe import EXPORT_COLUMNS
from training.records.exports import prepare_certificate_export
from training.records.filters import CertificateFilter, Listing

KEYS = [key for key, _ in EXPORT_COLUMNS]
EXPORT = "/records/certificates/export"


@pytest.fixture
def awkward(make_user, make_course, make_certificate, revoke, reissue):
    """Three certificates full of commas, quotes, line breaks, accents and formula prefixes."""
    zoe = make_user(name="Zoë Ñúñez-Ødegård", email="-zoe@example.org", license_number="-12",
                    license_state="Nuevo León", profession="chiropractor")
    course = make_course("DN-101", title='Dry Needling, "Level 1"\nUpper quarter',
                         provider="+Northfield, Inc.", approval_number="@TPTA-1")
    first = make_certificate(zoe, course, issued_at=datetime(2026, 3, 1, 9, 30, 15),
                             trainee_first_name="=HYPERLINK(\"http://evil\",\"x\")",
                             trainee_last_name='Ñúñez, "Jr."')
    revoke(first, 'Wrong hours, see "memo"\r\nline two', at=datetime(2026, 3, 2, 10, 0, 0))
    other = make_certificate(make_user(name="Ann Lee"), course, issued_at=datetime(2026, 4, 1, 8, 0))
    replacement = reissue(other, issued_at=datetime(2026, 5, 1, 8, 0))
    return {"revoked": first, "superseded": other, "valid": replacement, "user": zoe}


def export(client, fmt="csv", query="", buffered=True):
    """POST an export. Buffered: werkzeug's test client pulls the first chunk of a streamed body
    inside ``open()``, so two unread streams would interleave their request contexts."""
    return client.post(f"{EXPORT}{query}", data={"format": fmt}, buffered=buffered)


def parse_csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the accents as UTF-8
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[0] == [header for _, header in EXPORT_COLUMNS]
    return [dict(zip(KEYS, row, strict=True)) for row in rows[1:]]


def printed_url(app, code: str) -> str:
    """The verification address the certificate itself prints."""
    with app.test_request_context():
        return verification_url(code)


def test_csv_export_of_awkward_data(app, client, login, auditor, awkward):
    login(auditor)
    response = export(client, query="?sort=issued", buffered=False)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response.headers["X-Export-Rows"] == "3"
    assert response.headers["Cache-Control"] == "no-store"
    rows = parse_csv(response.data)
    assert [r["serial"] for r in rows] == [awkward[k].serial for k in ("revoked", "superseded", "valid")]
    revoked, superseded, valid = rows
    code = awkward["revoked"].verification_code
    assert revoked == {
        "serial": awkward["revoked"].serial,
        "verification_code": code,
        "verification_url": printed_url(app, code),
        "last_name": 'Ñúñez, "Jr."',
        "first_name": "'=HYPERLINK(\"http://evil\",\"x\")",
        "email": "'-zoe@example.org",
        "profession": "Chiropractor",
        "license_number": "'-12",
        "license_state": "Nuevo León",
        "course_code": "DN-101",
        "course_title": 'Dry Needling, "Level 1"\nUpper quarter',
        "provider": "'+Northfield, Inc.",
        "approval_number": "'@TPTA-1",
        "online_hours": "9.5",
        "online_active_hours": "",  # issued before time on task was measured
        "practical_hours": "18",
        "ceus": "2.7",
        "completion_date": "2026-03-01",
        "issue_date": "2026-03-01T09:30:15Z",
        "status": "revoked",
        "revoked_at": "2026-03-02T10:00:00Z",
        "revocation_reason": 'Wrong hours, see "memo"\r\nline two',
        "superseded_by": "",
    }
    assert superseded["status"] == "superseded"
    assert superseded["superseded_by"] == awkward["valid"].serial
    assert valid["status"] == "valid" and valid["superseded_by"] == "" and valid["revoked_at"] == ""
    # RFC 4180: CRLF between records, the embedded bare LF stays inside a quoted field
    assert b'"Dry Needling, ""Level 1""\nUpper quarter"' in response.data
    assert response.data.endswith(b"\r\n")


def test_jsonl_export_keeps_raw_values(client, login, auditor, awkward):
    login(auditor)
    response = export(client, "jsonl", query="?status=revoked")
    assert response.headers["Content-Type"] == "application/jsonl; charset=utf-8"
    lines = response.data.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 2
    record = json.loads(lines[0])
    assert list(record) == KEYS
    assert record["first_name"] == '=HYPERLINK("http://evil","x")'
    assert record["email"] == "-zoe@example.org"
    assert record["revocation_reason"] == 'Wrong hours, see "memo"\r\nline two'
    assert record["superseded_by"] is None and record["status"] == "revoked"
    assert record["issue_date"] == "2026-03-01T09:30:15Z"


def test_file_name_carries_filter_and_date(client, login, auditor, awkward):
    login(auditor)
    query = "?course=DN-101&status=valid&issued_from=2026-01-01&issued_to=2026-06-30"
    response = export(client, query=query)
    disposition = response.headers["Content-Disposition"]
    match = re.fullmatch(
        r'attachment; filename="ce-records_course-DN-101_status-valid_2026-01-01_to_2026-06-30'
        r'_exported-(\d{4}-\d\d-\d\d)\.csv"', disposition,
    )
    assert match and date.fromisoformat(match.group(1)) == datetime.utcnow().date()
    assert [r["serial"] for r in parse_csv(response.data)] == [awkward["valid"].serial]
    jsonl_response = export(client, "jsonl")
    jsonl = jsonl_response.headers["Content-Disposition"]
    assert jsonl_response.data
    assert re.fullmatch(r'attachment; filename="ce-records_all_exported-[\d-]+\.jsonl"', jsonl)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_same_filter_gives_the_same_bytes(client, login, auditor, awkward, make_certificate,
                                          make_course, fmt):
    course = make_course("DN-202")
    for _ in range(5):  # same issue time: the id must break the tie
        make_certificate(awkward["user"], course, issued_at=datetime(2026, 6, 1), is_current=False)
    login(auditor)
    for query in ("", "?sort=course", "?sort=-trainee&profession=chiropractor"):
        first = export(client, fmt, query)
        first_body = first.data
        second = export(client, fmt, query)
        assert second.data == first_body and len(first_body) > 200
        assert first.headers["X-Audit-Chain-Head"] != second.headers["X-Audit-Chain-Head"]
    valid_only = export(client, fmt, "?status=valid").data
    assert valid_only != export(client, fmt).data


def test_export_is_audited_and_committed_before_streaming(client, login, auditor, awkward,
                                                          monkeypatch):
    import training.records.exports as exports

    seen_by_another_connection = []
    real_iter_values = exports.iter_export_values

    def spying_iter_values(*args, **kwargs):
        with _db.engine.connect() as other:  # sees committed rows only
            seen_by_another_connection.append(other.scalar(
                select(AuditEntry.details).where(AuditEntry.action == "certificates.exported")))
        yield from real_iter_values(*args, **kwargs)

    monkeypatch.setattr(exports, "iter_export_values", spying_iter_values)
    login(auditor)
    response = export(client, query="?status=superseded&license_state=tx&sort=serial")
    assert len(parse_csv(response.data)) == 1
    details = seen_by_another_connection[0]
    assert details == {
        "format": "csv", "filter": {"license_state": "tx", "status": "superseded"},
        "sort": "serial", "rows": 1, "ip": "127.0.0.1",
    }
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificates.exported"))
    assert entry.actor == auditor.email and entry.actor_id == auditor.id
    assert response.headers["X-Audit-Chain-Head"] == f"{entry.seq}:{entry.hash}"
    assert response.headers["X-Audit-Chain-Head"] == format_head(chain_head())


def test_streamed_chunk_by_chunk(app, client, login, auditor, awkward):
    app.config["RECORDS_EXPORT_CHUNK_BYTES"] = 1
    login(auditor)
    response = export(client)
    chunks = response.response  # buffered: the list of chunks the app yielded
    assert len(chunks) == 4  # header + 3 rows, each sent on its own
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert parse_csv(b"".join(chunks))[0]["serial"] == awkward["valid"].serial  # newest first


def test_rows_match_the_count_even_if_a_certificate_arrives_mid_export(
    app, auditor, awkward, make_certificate, make_course
):
    with app.test_request_context():
        prepared = prepare_certificate_export(CertificateFilter(), Listing(), "jsonl")
        _db.session.commit()
        make_certificate(auditor, make_course())  # issued while the file downloads
        body = b"".join(prepared.chunks())
    assert prepared.rows == 3 and body.count(b"\n") == 3


@pytest.mark.parametrize(
    ("query", "data", "message"),
    [
        ("?issued_from=2026-02-30", {"format": "csv"}, "issued_from: enter a date as YYYY-MM-DD"),
        ("?issued_from=2026-06-01&issued_to=2026-01-01", {"format": "csv"}, "the end date is before"),
        ("?colour=red", {"format": "csv"}, "colour: unknown parameter"),
        ("", {"format": "xml"}, "Choose CSV or JSON Lines"),
        ("", {"format": ""}, "Choose CSV or JSON Lines"),
    ],
)
def test_bad_export_requests_are_refused_and_not_audited(client, login, auditor, query, data,
                                                         message):
    login(auditor)
    response = client.post(EXPORT + query, data=data, buffered=True)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("%exported"))) is None


def test_export_needs_the_csrf_token(csrf_app, client, login, auditor, awkward):
    login(auditor)
    response = export(client)
    assert response.status_code == 400
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("%exported"))) is None


def test_export_by_get_is_not_allowed(client, login, auditor):
    login(auditor)
    assert client.get(EXPORT + "?format=csv").status_code == 405


def test_public_base_url_is_used_for_verification_links(app, client, login, auditor, awkward):
    app.config["PUBLIC_BASE_URL"] = "https://ce.example.org/"
    login(auditor)
    rows = parse_csv(export(client).data)
    assert len(rows) == 3
    for row in rows:
        assert row["verification_url"] == printed_url(app, row["verification_code"])
        assert row["verification_url"].startswith("https://ce.example.org/")
