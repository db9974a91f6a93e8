"""Admins revoke (with a reason) and re-issue (a correction: new serial, linked to the old)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import certificates_of
from training.audit.models import AuditEntry
from training.certificates import services
from training.certificates.documents import integrity
from training.certificates.models import Certificate
from training.extensions import db


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Sam Ortega")


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def certificate_count() -> int:
    return db.session.scalar(select(func.count(Certificate.id)))


def test_admin_lists_and_searches_certificates(client, login, admin, certificate):
    login(admin, on=client)
    page = client.get("/admin/certificates").get_data(as_text=True)
    assert certificate.serial in page and "Dana Whitfield" in page
    assert certificate.serial in client.get("/admin/certificates?q=whitfield").get_data(as_text=True)
    assert certificate.serial not in client.get("/admin/certificates?q=nobody").get_data(as_text=True)
    assert certificate.serial not in client.get(
        "/admin/certificates?status=revoked").get_data(as_text=True)
    detail = client.get(f"/admin/certificates/{certificate.id}")
    assert detail.status_code == 200 and b"Revoke this certificate" in detail.data


def test_revoke_with_a_reason(client, login, admin, certificate):
    login(admin, on=client)
    response = client.post(f"/admin/certificates/{certificate.id}/revoke",
                           data={"revoke-reason": "  Practical sign-off recorded in error  "})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.status == "revoked"
    assert certificate.revocation_reason == "Practical sign-off recorded in error"
    assert certificate.revoked_by_id == admin.id
    [entry] = audit("certificate.revoked")
    assert entry.actor == admin.email and entry.subject == f"certificate:{certificate.serial}"
    assert entry.details["reason"] == "Practical sign-off recorded in error"
    verify = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Revoked" in verify


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_revoke_without_a_usable_reason_changes_nothing(client, login, admin, certificate,
                                                         reason):
    login(admin, on=client)
    response = client.post(f"/admin/certificates/{certificate.id}/revoke",
                           data={"revoke-reason": reason})
    assert response.status_code == 400
    assert b"reason" in response.data
    db.session.refresh(certificate)
    assert certificate.revoked_at is None
    assert audit("certificate.revoked") == []


def test_revoking_twice_is_refused(client, login, admin, certificate):
    services.revoke(certificate, "First", admin)
    db.session.commit()
    login(admin, on=client)
    response = client.post(f"/admin/certificates/{certificate.id}/revoke",
                           data={"revoke-reason": "Again"})
    assert response.status_code == 400 and b"already revoked" in response.data
    db.session.refresh(certificate)
    assert certificate.revocation_reason == "First"


def test_only_admins_revoke(client, login, make_user, certificate, instructor, trainee):
    for user in (trainee, instructor, make_user("auditor")):
        login(user, on=client)
        response = client.post(f"/admin/certificates/{certificate.id}/revoke",
                               data={"revoke-reason": "Because"})
        assert response.status_code == 403
    with pytest.raises(services.CertificateError):
        services.revoke(certificate, "Because", instructor)
    db.session.rollback()
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def test_reissue_after_a_name_correction(client, login, admin, trainee, certificate):
    old_serial, old_snapshot = certificate.serial, dict(certificate.snapshot)
    trainee.name = "Dana Whitfield-Okafor"  # the misspelt name, corrected in the profile
    db.session.commit()
    login(admin, on=client)
    response = client.post(f"/admin/certificates/{certificate.id}/reissue",
                           data={"reissue-reason": "Surname was incomplete"})
    assert response.status_code == 302
    db.session.expire_all()
    old, new = certificates_of(trainee)
    assert (old.serial, old.snapshot) == (old_serial, old_snapshot)
    assert old.is_current is False and old.status == "superseded"
    assert old.superseded_by_id == new.id and new.supersedes_id == old.id
    assert new.is_current and new.status == "valid" and new.serial != old.serial
    assert new.verification_code != old.verification_code
    assert new.snapshot["trainee_name"] == "Dana Whitfield-Okafor"
    assert new.snapshot["supersedes"] == old.serial
    assert new.snapshot["completion_date"] == old.snapshot["completion_date"]
    assert integrity(new).ok and integrity(old).ok
    [entry] = audit("certificate.reissued")
    assert entry.details["replaces"] == old.serial and entry.subject == f"certificate:{new.serial}"
    assert entry.details["reason"] == "Surname was incomplete"
    assert response.headers["Location"].endswith(f"/admin/certificates/{new.id}")


def test_reissue_needs_a_reason_and_a_live_certificate(client, login, admin, certificate):
    login(admin, on=client)
    url = f"/admin/certificates/{certificate.id}/reissue"
    assert client.post(url, data={"reissue-reason": " "}).status_code == 400
    assert certificate_count() == 1
    assert client.post(url, data={"reissue-reason": "Fix"}).status_code == 302
    again = client.post(url, data={"reissue-reason": "Fix again"})
    assert again.status_code == 400 and b"already been replaced" in again.data
    assert certificate_count() == 2


def test_a_revoked_certificate_cannot_be_reissued(admin, certificate):
    services.revoke(certificate, "Fraud", admin)
    db.session.commit()
    with pytest.raises(services.CertificateError, match="revoked"):
        services.reissue(certificate, "Try", admin)
    db.session.rollback()
    assert certificate_count() == 1


def test_state_changes_need_the_csrf_token(csrf_app, login, admin, certificate):
    client = csrf_app.test_client()
    login(admin, on=client)
    for action in ("revoke", "reissue"):
        response = client.post(f"/admin/certificates/{certificate.id}/{action}",
                               data={f"{action}-reason": "No token"})
        assert response.status_code == 400
    db.session.refresh(certificate)
    assert certificate.status == "valid" and certificate_count() == 1


def test_revoking_asks_first_and_keeps_the_reason_next_to_its_field(client, login, admin, certificate):
    login(admin, on=client)
    detail = client.get(f"/admin/certificates/{certificate.id}").get_data(as_text=True)
    assert f'action="/admin/certificates/{certificate.id}/revoke"' not in detail
    confirm = client.get(f"/admin/certificates/{certificate.id}/revoke/confirm").get_data(as_text=True)
    assert f"Revoke certificate {certificate.serial}?" in confirm and "cannot be undone" in confirm
    missing = client.post(f"/admin/certificates/{certificate.id}/revoke", data={"revoke-reason": ""})
    assert missing.status_code == 400 and "Give a reason for the revocation." in missing.get_data(as_text=True)
    db.session.refresh(certificate)
    assert certificate.revoked_at is None
