"""CE Broker rosters: the columns, who is on them, the audit entry; completions past Florida's 30 days."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from modules.approval_services import ApprovalValues, save_approval
from tests.factories import certificates_of, enrol, finish_online, make_course, sign_off
from training.audit.models import AuditEntry
from training.database import utcnow
from training.extensions import db
from training.jurisdictions.loader import load_rules
from training.records.models import BoardReport


@pytest.fixture
def florida(app):
    load_rules()
    course = make_course()
    save_approval(course, ApprovalValues(
        board="Florida Board of Physical Therapy Practice", jurisdiction="FL", provider_number="50-1234",
        approval_number="20-778899", hours_approved=Decimal("36.5"),
        subject_areas=[{"area": "Dry needling", "hours": "27"}, {"area": "General", "hours": "9.5"}],
        valid_from=date(2026, 1, 1), valid_to=None), by=None)
    db.session.commit()
    return course


def complete(make_user, course, *, state="FL", name="Ana María de la Cruz", completed: date | None = None):
    instructor = make_user("instructor")
    # no given/family names recorded (an account from before they existed): the roster splits the name
    user = make_user("trainee", name=name, given_names="", family_name="", license_state=state,
                     license_number="PT 0012345")
    enrol(user, course)
    finish_online(user, course)
    sign_off(instructor, user, course)
    [certificate] = certificates_of(user)
    if completed is not None:
        certificate.completion_date = completed
        db.session.commit()
    return certificate


def read(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def export(client, start, end, code="FL"):
    return client.post("/records/rosters/export", data={"jurisdiction": code, "start": start, "end": end})


def test_roster_columns_and_rows(client, login, make_user, florida):
    today = utcnow().date()
    certificate = complete(make_user, florida)
    complete(make_user, florida, state="TX")  # another state's licensee: not on Florida's roster
    login(make_user("auditor"))
    response = export(client, today - timedelta(days=1), today)
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").splitlines()[0] == (
        "Provider tracking number,Course tracking number,Licensee license number,First name,Last name,"
        "Completion date,State,Profession code,Subject area,Hours")
    rows = read(response)
    assert rows == [
        {"Provider tracking number": "50-1234", "Course tracking number": "20-778899",
         "Licensee license number": "PT 0012345", "First name": "Ana", "Last name": "María de la Cruz",
         "Completion date": certificate.completion_date.strftime("%m/%d/%Y"), "State": "FL", "Profession code": "PT",
         "Subject area": area, "Hours": hours}
        for area, hours in (("Dry needling", "27"), ("General", "9.5"))
    ]
    assert response.headers["X-Names-Split-From-Full-Name"] == "2"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "board_roster.exported"))
    assert entry.details["rows"] == 2 and entry.details["certificates"] == [certificate.serial]


def test_period_and_revocation_limit_the_roster(client, login, make_user, florida):
    inside = complete(make_user, florida, completed=date(2026, 3, 10))
    complete(make_user, florida, completed=date(2026, 4, 1))
    revoked = complete(make_user, florida, completed=date(2026, 3, 11))
    revoked.revoked_at = datetime(2026, 3, 20)
    db.session.commit()
    login(make_user("auditor"))
    rows = read(export(client, "2026-03-01", "2026-03-31"))
    assert {r["Completion date"] for r in rows} == {inside.completion_date.strftime("%m/%d/%Y")}


def test_bad_period_is_refused(client, login, make_user, florida):
    login(make_user("auditor"))
    response = export(client, "2026-03-31", "2026-03-01")
    assert response.status_code == 400 and "cannot end before it starts" in response.get_data(as_text=True)
    assert export(client, "2026-01-01", "2026-02-01", code="ZZ").status_code == 400
    assert db.session.scalars(select(BoardReport)).all() == []


def test_only_auditors_export(client, login, make_user, florida):
    for role in ("trainee", "instructor", "admin"):
        login(make_user(role))
        assert export(client, "2026-01-01", "2026-02-01").status_code == 403


def test_completions_past_florida_deadline(client, login, make_user, florida):
    today = utcnow().date()
    overdue = complete(make_user, florida, name="Olive Overdue", completed=today - timedelta(days=31))
    complete(make_user, florida, name="Daisy Due", completed=today - timedelta(days=30))  # due today: not late
    login(make_user("auditor"))
    page = client.get("/records/rosters/deadlines").get_data(as_text=True)
    assert "Olive Overdue" in page and "not reported, 1 day overdue" in page
    assert "Daisy Due" not in page
    export(client, today - timedelta(days=40), today)  # reported today: one day late
    page = client.get("/records/rosters/deadlines").get_data(as_text=True)
    assert overdue.serial in page and "reported 1 day late" in page and "Daisy Due" not in page


def test_given_and_family_names_are_used_as_entered(client, login, make_user, florida):
    today = utcnow().date()
    certificate = complete(make_user, florida, name="Ana María de la Cruz")
    user = certificate.user
    user.given_names, user.family_name = "Ana María", "de la Cruz"
    db.session.commit()
    login(make_user("auditor"))
    response = export(client, today - timedelta(days=1), today)
    assert {(r["First name"], r["Last name"]) for r in read(response)} == {("Ana María", "de la Cruz")}
    assert response.headers["X-Names-Split-From-Full-Name"] == "0"
