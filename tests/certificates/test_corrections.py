"""Corrections with a trail: revocation reversed, suspension distinct from revocation, a new
certificate after a revocation for cause once the rules are met again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import certificates_of, sign_off
from training.audit.models import AuditEntry
from training.certificates import corrections, services
from training.certificates.models import CertificateStatus
from training.extensions import db
from training.practical.models import Assessment


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Sam Ortega")


def actions(certificate) -> list[str]:
    db.session.refresh(certificate)
    return [event.action for event in certificate.events]


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_revocation_made_in_error_is_reversed_with_a_trail(client, login, admin, certificate):
    login(admin)
    snapshot, signature = dict(certificate.snapshot), certificate.signature
    client.post(f"/admin/certificates/{certificate.id}/revoke",
                data={"revoke-reason": "Wrong trainee selected"})
    response = client.post(f"/admin/certificates/{certificate.id}/reverse-revocation",
                           data={"reverse-revocation-reason": "Revoked the wrong trainee's record"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.status == CertificateStatus.VALID and certificate.revoked_at is None
    assert (certificate.snapshot, certificate.signature) == (snapshot, signature)  # never edited
    assert actions(certificate) == ["issued", "revoked", "revocation_reversed"]
    [entry] = audit("certificate.revocation_reversed")
    assert entry.actor == admin.email
    assert entry.details["before"]["revocation_reason"] == "Wrong trainee selected"
    assert len(audit("certificate.revoked")) == 1
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Revocation reversed" in page and "Revoked the wrong trainee&#39;s record" in page
    assert "Wrong trainee selected" in page  # the earlier act stays visible


def test_reversal_needs_a_revoked_certificate_and_a_reason(client, login, admin, certificate):
    login(admin)
    response = client.post(f"/admin/certificates/{certificate.id}/reverse-revocation",
                           data={"reverse-revocation-reason": "No reason really"})
    assert response.status_code == 400 and b"This certificate is not revoked." in response.data
    services.revoke(certificate, "Fraud", admin)
    db.session.commit()
    response = client.post(f"/admin/certificates/{certificate.id}/reverse-revocation",
                           data={"reverse-revocation-reason": "  "})
    assert response.status_code == 400 and b"Give a reason" in response.data
    db.session.refresh(certificate)
    assert certificate.status == CertificateStatus.REVOKED


def test_only_admins_correct(client, login, make_user, certificate):
    for role in ("trainee", "instructor", "auditor"):
        login(make_user(role))
        response = client.post(f"/admin/certificates/{certificate.id}/suspend",
                               data={"suspend-reason": "x"})
        assert response.status_code == 403
    login(make_user("admin"))
    assert client.post(f"/admin/certificates/{certificate.id}/explode",
                       data={"explode-reason": "x"}).status_code == 404
    with pytest.raises(services.CertificateError):
        corrections.suspend(certificate, "x", make_user("instructor"))


def test_suspension_is_temporary_and_distinct_from_revocation(client, login, admin, certificate):
    login(admin)
    client.post(f"/admin/certificates/{certificate.id}/suspend",
                data={"suspend-reason": "Licence under board review"})
    db.session.refresh(certificate)
    assert certificate.status == CertificateStatus.SUSPENDED and certificate.revoked_at is None
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Suspended" in page and "Licence under board review" in page
    again = client.post(f"/admin/certificates/{certificate.id}/suspend",
                        data={"suspend-reason": "twice"})
    assert again.status_code == 400 and b"cannot be suspended" in again.data
    client.post(f"/admin/certificates/{certificate.id}/lift-suspension",
                data={"lift-suspension-reason": "Board cleared the licence"})
    db.session.refresh(certificate)
    assert certificate.status == CertificateStatus.VALID
    assert actions(certificate) == ["issued", "suspended", "suspension_lifted"]
    assert [e.details["reason"] for e in audit("certificate.suspension_lifted")] == [
        "Board cleared the licence"]


def test_new_certificate_after_revocation_for_cause_once_reassessed(
        client, login, admin, certificate, instructor, trainee, course):
    login(admin)
    services.revoke(certificate, "Practical skills not demonstrated", admin)
    db.session.commit()
    early = client.post(f"/admin/certificates/{certificate.id}/issue-anew",
                        data={"issue-anew-reason": "Re-assessed"})
    assert early.status_code == 400 and b"record a re-assessment" in early.data
    assert certificates_of(trainee) == [certificate]
    # the re-assessment: skills assessed competent again after the revocation
    later = certificate.revoked_at + timedelta(seconds=1)
    sign_off(instructor, trainee, course)
    for assessment in db.session.scalars(select(Assessment).where(Assessment.trainee_id == trainee.id)):
        assessment.assessed_at = max(assessment.assessed_at, later)
    db.session.commit()
    assert certificates_of(trainee) == [certificate]  # never automatic
    response = client.post(f"/admin/certificates/{certificate.id}/issue-anew",
                           data={"issue-anew-reason": "Re-assessed on 2026-02-01, passed"})
    assert response.status_code == 302
    db.session.expire_all()
    old, new = certificates_of(trainee)
    assert old.status == CertificateStatus.REVOKED and old.superseded_by_id == new.id
    assert new.status == CertificateStatus.VALID and new.snapshot["supersedes"] == old.serial
    assert actions(old) == ["issued", "revoked", "superseded"]
    assert len(audit("certificate.issued_after_revocation")) == 1
    # the revoked one cannot now be "un-revoked" into a second live certificate
    with pytest.raises(services.CertificateError):
        corrections.reverse_revocation(old, "oops", admin)
