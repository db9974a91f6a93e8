"""Audit log pages: the head, filters, the CSV export (itself audited) and on-demand verification."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select, update

from training.audit import chain_head, format_head, record_event
from training.audit.chain import entry_hash
from training.audit.models import AuditEntry

AUDIT = "/records/audit"


@pytest.fixture
def log(db, make_user, monkeypatch):
    """Three entries: a login on 2026-01-15, then two system events on 2026-02-01."""
    import training.audit.services as services

    trainee = make_user(email="dana@example.org")
    monkeypatch.setattr(services, "utcnow", lambda: datetime(2026, 1, 15, 10, 0, 0))
    record_event("login", f"user:{trainee.id}", actor=trainee)
    monkeypatch.setattr(services, "utcnow", lambda: datetime(2026, 2, 1, 8, 30, 0))
    record_event("login.failed", "email:=cmd@example.org", {"why": "bad, \"password\""})
    record_event("certificate.issued", "certificate:DN-2026-000001", {"serial": "DN-2026-000001"})
    db.session.commit()
    monkeypatch.undo()
    return trainee


def rows(html: str) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


def test_page_shows_the_head_and_entries_newest_first(client, login, auditor, log):
    login(auditor)
    html = client.get(AUDIT).text
    assert f'data-testid="chain-head">{format_head(chain_head())}</code>' in html
    assert rows(html) == ["certificate.issued", "login.failed", "login"]
    assert "bad, &#34;password&#34;" in html or "bad, &quot;password&quot;" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?action=login", ["login"]),
        ("?actor=DANA", ["login"]),
        ("?actor=system", ["certificate.issued", "login.failed"]),
        ("?at_to=2026-01-15", ["login"]),
        ("?at_from=2026-01-16", ["certificate.issued", "login.failed"]),
        ("?action=nothing.like.this", []),
    ],
)
def test_filters(client, login, auditor, log, query, expected):
    login(auditor)
    assert rows(client.get(AUDIT + query).text) == expected


@pytest.mark.parametrize("query", ["?at_from=15/01/2026", "?at_from=2026-02-01&at_to=2026-01-01",
                                   "?page=0", "?seq=1", "?actor=" + "a" * 255])
def test_bad_filters_are_400_with_a_message(client, login, auditor, log, query):
    login(auditor)
    response = client.get(AUDIT + query)
    assert response.status_code == 400
    assert "invalid-feedback" in response.text or "were not understood" in response.text


def test_csv_export_is_audited_and_recomputable(client, login, auditor, log, db):
    login(auditor)
    head_before = chain_head()
    response = client.post(AUDIT + "/export?actor=system", buffered=True)
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="audit-log_all_exported-[\d-]+\.csv"',
                        response.headers["Content-Disposition"])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit_log.exported"))
    assert entry.seq == head_before[0] + 1 and entry.details["rows"] == 2
    assert entry.details["filter"] == {"actor": "system"}
    assert response.headers["X-Audit-Chain-Head"] == f"{entry.seq}:{entry.hash}"
    parsed = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert [r["Action"] for r in parsed] == ["login.failed", "certificate.issued"]  # oldest first
    assert parsed[0]["Subject"] == "email:=cmd@example.org"  # not a formula trigger at the start
    for row in parsed:  # an auditor can recompute every hash from the file alone
        assert row["Hash"] == entry_hash(row["Previous hash"], int(row["Entry"]), row["At (UTC)"],
                                         row["Actor"], row["Action"], row["Subject"],
                                         json.loads(row["Details (JSON)"]))


def test_export_refuses_bad_filters(client, login, auditor, log, db):
    login(auditor)
    response = client.post(AUDIT + "/export?at_from=yesterday", buffered=True)
    assert response.status_code == 400 and "at_from: enter a date" in response.text
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit_log.exported")) is None


def test_verify_from_the_page(client, login, auditor, log, db):
    login(auditor)
    head = format_head(chain_head())
    response = client.post(AUDIT + "/verify", data={"head": head})
    assert response.status_code == 200 and "The chain is intact, and it still contains" in response.text
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(subject="edited"))
    db.session.commit()
    response = client.post(AUDIT + "/verify", data={"head": ""})
    assert "The chain is broken at entry 2: hash mismatch" in response.text


def test_verify_form_refuses_a_malformed_head(client, login, auditor, log):
    login(auditor)
    response = client.post(AUDIT + "/verify", data={"head": "latest"})
    assert response.status_code == 400
    assert 'id="head-error" class="invalid-feedback d-block">Write the head as SEQ:HASH' in response.text
