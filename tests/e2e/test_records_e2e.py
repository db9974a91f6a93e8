"""An auditor's journey in a real browser: filter CE records, download them, find the export in
the audit log, and create, use and revoke an API token."""

from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from modules.models import Course
from tests.conftest import _PASSWORD_HASH, PASSWORD
from tests.e2e.test_accounts_e2e import log_in, unique_email
from training.auth.models import User, UserRole
from training.certificates.models import Certificate
from training.certificates.snapshot import (
    CertificateSnapshot,
    credit_fields,
    format_issued_at,
    new_serial,
    new_verification_code,
)


def arrange(live_db) -> tuple[str, str, str]:
    """A fresh auditor, course and certificate; returns (auditor email, course code, serial)."""
    auditor_email = unique_email("auditor")
    auditor = User(email=auditor_email, name="Helen Osei", password_hash=_PASSWORD_HASH)
    auditor.role_rows = [UserRole(role="auditor")]
    trainee = User(email=unique_email("trainee"), name="Zoë Ñúñez", password_hash=_PASSWORD_HASH,
                   profession="chiropractor", license_number="DC-1", license_state="TX")
    trainee.role_rows = [UserRole(role="trainee")]
    code = f"AU-{secrets.token_hex(4).upper()}"
    course = Course(code=code, slug=code.lower(), title='Dry Needling, "Upper quarter"',
                    provider="Northfield", approval_number="TPTA-9",
                    contact_hours=Decimal("9.5"), practical_hours=Decimal("18"))
    live_db.session.add_all([auditor, trainee, course])
    live_db.session.flush()
    issued = datetime(2026, 5, 4, 10, 0, 0)
    serial = new_serial(2026, 10**7 + secrets.randbelow(10**9))
    snapshot = CertificateSnapshot(
        serial=serial, verification_code=new_verification_code(), trainee_name="Zoë Ñúñez",
        trainee_first_name="Zoë", trainee_last_name="Ñúñez", profession="Chiropractor",
        license_number="DC-1", license_state="TX", course_code=code, course_title=course.title,
        provider="Northfield", approval_number="TPTA-9", **credit_fields(Decimal("9.5"), Decimal("18")),
        completion_date="2026-05-04", issued_at=format_issued_at(issued.replace(tzinfo=UTC)),
    )
    live_db.session.add(Certificate(
        serial=serial, verification_code=snapshot.verification_code, user_id=trainee.id,
        course_id=course.id, snapshot=snapshot.to_dict(), signature="e2e", key_fingerprint="e2e",
        completion_date=issued.date(), issued_at=issued, profession="Chiropractor", license_state="TX",
    ))
    live_db.session.commit()
    return auditor_email, code, serial


def test_auditor_filters_downloads_and_uses_the_api(page, live_db):
    auditor_email, code, serial = arrange(live_db)
    log_in(page, auditor_email, PASSWORD)

    page.get_by_role("link", name="CE records").first.click()
    page.get_by_label("Course").select_option(code)
    page.get_by_label("Status").select_option("valid")
    page.get_by_label("Issued from").fill("2026-05-01")
    page.get_by_label("Issued to").fill("2026-04-01")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#f-issued_to-error")).to_contain_text("The end date is before the start date")
    page.get_by_label("Issued to").fill("2026-05-31")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("1 certificate match")
    expect(page.get_by_role("row", name=serial)).to_contain_text("Ñúñez, Zoë")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith(
        f"ce-records_course-{code}_status-valid_2026-05-01_to_2026-05-31_exported-"
    )
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["Serial number"], r["Last name"], r["Course title"]) for r in rows] == [
        (serial, "Ñúñez", 'Dry Needling, "Upper quarter"')
    ]

    page.get_by_role("link", name="Audit log").first.click()
    page.get_by_label("Action").select_option("certificates.exported")
    page.get_by_label("Actor").fill(auditor_email)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("1 entry match")
    expect(page.get_by_test_id("chain-head")).to_have_text(re.compile(r"^\d+:[0-9a-f]{64}$"))
    page.get_by_role("button", name="Verify the chain").click()
    expect(page.get_by_text("The chain is intact")).to_be_visible()

    page.get_by_role("link", name="API tokens").first.click()
    page.get_by_label("Token name").fill("Board import")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("new-token").input_value()
    api = page.request.get(f"/api/v1/certificates?course={code}",
                           headers={"Authorization": f"Bearer {token}"})
    assert api.status == 200 and [r["serial"] for r in api.json()["data"]] == [serial]

    page.get_by_role("link", name="Revoke token Board import").click()
    expect(page.get_by_role("heading", name="Revoke the API token “Board import”?")).to_be_visible()
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    refused = page.request.get("/api/v1/certificates", headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 401 and refused.json()["error"] == "The API token has been revoked."
