"""Course approvals per board: authoring (audited, checked), printed on new certificates only, and in exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from modules.approval_services import ApprovalValues, save_approval
from modules.approvals import CourseApproval
from tests.factories import certificates_of, enrol, finish_online, make_course, sign_off
from training.audit.models import AuditEntry
from training.certificates.documents import certificate_pdf, integrity
from training.certificates.record import extract_record
from training.extensions import db


@pytest.fixture
def course(app):
    return make_course()


FORM = {"board": "Florida Board of Physical Therapy Practice", "jurisdiction": "fl", "provider_number": "50-1234",
        "approval_number": "20-778899", "hours_approved": "36.5", "subject_areas": "Dry needling: 27\nGeneral: 9.5",
        "valid_from": "2026-01-01", "valid_to": ""}


def test_staff_add_and_correct_an_approval_audited(client, login, make_user, course):
    login(make_user("instructor"))
    response = client.post(f"/author/courses/{course.id}/approvals", data=FORM)
    assert response.status_code == 302
    approval = db.session.scalar(select(CourseApproval))
    assert (approval.jurisdiction, approval.subject_areas) == (
        "FL", [{"area": "Dry needling", "hours": "27"}, {"area": "General", "hours": "9.5"}])
    edit = client.post(f"/author/courses/{course.id}/approvals/{approval.id}", data=dict(FORM, valid_to="2027-12-31"))
    assert edit.status_code == 302
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("course.approval%"))
                                 .order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["course.approval_added", "course.approval_saved"]
    assert entries[1].details["changes"] == {"valid_to": {"old": None, "new": "2027-12-31"}}
    assert "20-778899" in client.get(f"/author/courses/{course.id}/approvals").get_data(as_text=True)


@pytest.mark.parametrize(("change", "field_message"), [
    ({"jurisdiction": "F1"}, "Use the two-letter code"),
    ({"valid_to": "2025-12-31"}, "cannot end before it starts"),
    ({"subject_areas": "Dry needling: 20"}, "must add up to the hours approved"),
    ({"subject_areas": "Dry needling twenty"}, "Line 1: write"),
    ({"hours_approved": "0"}, "Enter the hours the board approved"),
])
def test_bad_approvals_are_refused_with_a_message(client, login, make_user, course, change, field_message):
    login(make_user("admin"))
    response = client.post(f"/author/courses/{course.id}/approvals", data=dict(FORM, **change))
    assert response.status_code == 400 and field_message in response.get_data(as_text=True)
    assert db.session.scalars(select(CourseApproval)).all() == []


def test_duplicate_number_is_refused(client, login, make_user, course):
    login(make_user("instructor"))
    client.post(f"/author/courses/{course.id}/approvals", data=FORM)
    again = client.post(f"/author/courses/{course.id}/approvals", data=FORM)
    assert again.status_code == 400 and "already recorded" in again.get_data(as_text=True)


def test_trainees_and_auditors_cannot_author_approvals(client, login, make_user, course):
    for role in ("trainee", "auditor"):
        login(make_user(role))
        assert client.post(f"/author/courses/{course.id}/approvals", data=FORM).status_code == 403


def approve(course, **fields):
    values = dict(board="Florida Board of Physical Therapy Practice", jurisdiction="FL", provider_number="50-1234",
                  approval_number="20-778899", hours_approved=Decimal("36.5"),
                  subject_areas=[{"area": "Dry needling", "hours": "27"}, {"area": "General", "hours": "9.5"}],
                  valid_from=date(2026, 1, 1), valid_to=None)
    values.update(fields)
    approval = save_approval(course, ApprovalValues(**values), by=None)
    db.session.commit()
    return approval


def test_new_certificates_print_approvals_existing_ones_never_change(app, make_user, course):
    instructor = make_user("instructor")
    earlier, later = make_user("trainee"), make_user("trainee")
    for user in (earlier, later):
        enrol(user, course)
        finish_online(user, course)
    sign_off(instructor, earlier, course)
    [old] = certificates_of(earlier)
    with app.test_request_context():
        old_snapshot, old_pdf = dict(old.snapshot), certificate_pdf(old)
    assert "board_approvals" not in old_snapshot
    approve(course)
    approve(course, board="Texas Board of Physical Therapy Examiners", jurisdiction="TX", approval_number="TX-1",
            subject_areas=[], valid_from=date(2030, 1, 1))  # not yet valid: not printed
    sign_off(instructor, later, course)
    [new] = certificates_of(later)
    assert new.snapshot["board_approvals"] == (
        "Florida Board of Physical Therapy Practice (FL) no. 20-778899, 36.5 h")
    assert integrity(new).ok
    db.session.refresh(old)
    assert old.snapshot == old_snapshot and integrity(old).ok
    with app.test_request_context():
        assert extract_record(certificate_pdf(new))["snapshot"]["board_approvals"].endswith("36.5 h")
        assert certificate_pdf(old) == old_pdf


def test_exports_carry_the_board_approvals(client, login, make_user, course):
    instructor = make_user("instructor")
    trainee = make_user("trainee")
    approve(course)
    enrol(trainee, course)
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    login(make_user("auditor"))
    response = client.post("/records/certificates/export", data={"format": "jsonl"})
    assert response.status_code == 200
    assert b'"approval_number":"Florida Board of Physical Therapy Practice (FL) no. 20-778899, 36.5 h"' in response.data
