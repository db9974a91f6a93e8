"""The one status rule: Python and SQL agree for every state, and every listing uses it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import certificates_of, enrol, finish_online, make_course, sign_off
from training.certificates import corrections, services
from training.certificates.models import Certificate, CertificateStatus
from training.database import utcnow
from training.extensions import db


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def issued(make_user, instructor):
    course = make_course()
    trainee = make_user("trainee")
    enrol(trainee, course)
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [certificate] = certificates_of(trainee)
    return certificate


def make_state(state, make_user, instructor, admin) -> Certificate:
    certificate = issued(make_user, instructor)
    today = utcnow().date()
    if state == "valid_until_today":
        certificate.expires_on = today
    elif state == "expired":
        certificate.expires_on = today - timedelta(days=1)
    elif state == "suspended":
        corrections.suspend(certificate, "Licence under investigation", admin)
    elif state == "suspended_and_expired":
        certificate.expires_on = today - timedelta(days=1)
        corrections.suspend(certificate, "Licence under investigation", admin)
    elif state == "revoked":
        services.revoke(certificate, "Fraud", admin)
    elif state == "superseded":
        services.reissue(certificate, "Name corrected", admin)
    elif state == "revoked_after_suspension":
        corrections.suspend(certificate, "Investigation", admin)
        services.revoke(certificate, "Fraud confirmed", admin)
    db.session.commit()
    return certificate


EXPECTED = {
    "valid": CertificateStatus.VALID,
    "valid_until_today": CertificateStatus.VALID,
    "expired": CertificateStatus.EXPIRED,
    "suspended": CertificateStatus.SUSPENDED,
    "suspended_and_expired": CertificateStatus.SUSPENDED,
    "revoked": CertificateStatus.REVOKED,
    "superseded": CertificateStatus.SUPERSEDED,
    "revoked_after_suspension": CertificateStatus.REVOKED,
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_python_and_sql_agree(state, make_user, instructor, admin):
    certificate = make_state(state, make_user, instructor, admin)
    db.session.expire_all()
    in_sql = db.session.scalar(select(Certificate.status).where(Certificate.id == certificate.id))
    assert certificate.status == EXPECTED[state]
    assert in_sql == certificate.status
    matching = db.session.scalars(
        select(Certificate.id).where(Certificate.status == EXPECTED[state])
    ).all()
    assert certificate.id in matching


def test_every_status_is_a_filter_of_the_records_and_admin_pages(make_user, instructor, admin,
                                                                 client, login):
    certificates = {state: make_state(state, make_user, instructor, admin)
                    for state in ("valid", "expired", "suspended", "revoked")}
    auditor = make_user("auditor")
    login(auditor)
    for state, certificate in certificates.items():
        page = client.get(f"/records/certificates?status={state}").get_data(as_text=True)
        assert certificate.serial in page
        others = [c.serial for s, c in certificates.items() if s != state]
        assert not any(serial in page for serial in others)
        export = client.post(f"/records/certificates/export?status={state}",
                             data={"format": "jsonl"}, buffered=True).get_data(as_text=True)
        assert certificate.serial in export and f'"status":"{state}"' in export.replace(" ", "")
    login(admin)
    page = client.get("/admin/certificates?status=suspended").get_data(as_text=True)
    assert certificates["suspended"].serial in page
    assert certificates["valid"].serial not in page


def test_the_status_is_a_str_enum():
    assert [s.value for s in CertificateStatus] == [
        "revoked", "superseded", "suspended", "expired", "valid"]
    assert CertificateStatus.VALID == "valid"
