"""The full verification page, its JSON twin, and "check a PDF you were given"."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader, PdfWriter

from config import TestingConfig
from tests.certificates.forgery import rewrite_printed_text
from tests.conftest import FreshContextClient
from training import create_app
from training.certificates import corrections, services
from training.database import utcnow
from training.extensions import db

CHECK = "/verify/check-pdf"


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def original(client, login, trainee, certificate) -> bytes:
    login(trainee, on=client)
    data = client.get(f"/certificates/{certificate.serial}.pdf").data
    client.get("/logout")
    return data


def upload(client, data: bytes, name: str = "certificate.pdf"):
    return client.post(CHECK, data={"pdf": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_json_twin_has_every_printed_field_hours_status_history_and_key(client, certificate):
    body = client.get(f"/verify/{certificate.verification_code}.json").get_json()
    snap = certificate.snapshot
    assert body["state"] == "valid" and body["serial"] == certificate.serial
    for name in ("trainee_name", "profession", "course_title", "course_code", "provider",
                 "approval_number", "completion_date", "issued_at", "serial", "verification_code"):
        assert body["printed"][name] == snap[name]
    assert body["printed"]["license"] == "TX PT-0458123"
    assert body["hours"] == {"online_hours": "9.5", "practical_hours": "27", "total_hours": "36.5",
                             "ceus": "3.6"}
    assert body["status"]["value"] == "valid" and body["status"]["revoked_at"] is None
    assert [e["action"] for e in body["history"]] == ["issued"]
    assert body["issuer"]["key_fingerprint"] == certificate.key_fingerprint
    assert body["issuer"]["key_valid_from"]


def test_json_twin_of_revoked_superseded_suspended_and_expired(client, certificate, admin):
    code = certificate.verification_code
    corrections.suspend(certificate, "Board review", admin)
    db.session.commit()
    body = client.get(f"/verify/{code}.json").get_json()
    assert body["status"]["value"] == "suspended" and body["status"]["suspension_reason"] == "Board review"
    corrections.lift_suspension(certificate, "Cleared", admin)
    certificate.expires_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    body = client.get(f"/verify/{code}.json").get_json()
    assert body["status"]["value"] == "expired" and body["printed"]["trainee_name"] == "Dana Whitfield"
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Expired" in page and "genuine" in page
    certificate.expires_on = None
    db.session.commit()
    new = services.reissue(certificate, "Name corrected", admin)
    db.session.commit()
    body = client.get(f"/verify/{code}.json").get_json()
    assert body["status"]["value"] == "superseded"
    assert body["status"]["superseded_by"]["serial"] == new.serial
    assert body["status"]["superseded_by"]["url"].endswith(f"/verify/{new.verification_code}")
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert f'href="http://localhost/verify/{new.verification_code}"' in page
    services.revoke(new, "Fraud", admin)
    db.session.commit()
    body = client.get(f"/verify/{new.verification_code}.json").get_json()
    assert body["status"]["value"] == "revoked" and body["status"]["revocation_reason"] == "Fraud"
    assert [e["action"] for e in body["history"]] == ["issued", "revoked"]


def test_unknown_codes_reveal_nothing(client, certificate):
    for code in ("0000-0000-0000-0000-0000", "nonsense"):
        response = client.get(f"/verify/{code}.json")
        assert response.status_code == 404 and response.get_json() == {
            "state": "not_found" if code[0] == "0" else "malformed"}


def test_the_verification_page_queries_do_not_grow_with_history(client, certificate, admin,
                                                                count_queries):
    code = certificate.verification_code
    client.get(f"/verify/{code}")
    with count_queries() as before:
        client.get(f"/verify/{code}")
    for i in range(3):
        corrections.suspend(certificate, f"hold {i}", admin)
        corrections.lift_suspension(certificate, f"lift {i}", admin)
    db.session.commit()
    with count_queries() as after:
        client.get(f"/verify/{code}")
    assert len(after) == len(before)


def test_upload_of_the_original_is_genuine(client, original, certificate):
    response = upload(client, original)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Genuine page." in page and certificate.serial in page


def test_upload_of_the_forged_name_is_invalid(client, original):
    forged = rewrite_printed_text(original, "Dana Whitfield", "Dara Whitford")
    response = upload(client, forged)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "INVALID." in page
    assert "printed &#34;Dara Whitford&#34; where the signed record gives &#34;Dana Whitfield&#34;" in page


def test_the_pdf_of_a_revoked_certificate_is_genuine_but_says_revoked(client, login, trainee,
                                                                      certificate, admin, original):
    services.revoke(certificate, "Fraud", admin)
    db.session.commit()
    page = upload(client, original).get_data(as_text=True)
    assert "Genuine page." in page and "<strong>revoked</strong>" in page
    login(trainee)
    revoked_pdf = client.get(f"/certificates/{certificate.serial}.pdf").data
    assert "Genuine page." in upload(client, revoked_pdf).get_data(as_text=True)


def encrypted(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("make, message", [
    (lambda pdf: b"GIF89a not a pdf at all", "This file is not a PDF"),
    (lambda pdf: b"%PDF-1.7\n" + b"\x00garbage" * 100, "damaged or malformed"),
    (lambda pdf: pdf[: len(pdf) // 3], "damaged or malformed"),
    (encrypted, "encrypted"),
    (lambda pdf: b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "too large"),
])
def test_bad_uploads_get_a_clear_message(client, original, make, message):
    response = upload(client, make(original))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_upload_without_a_file(client):
    response = client.post(CHECK, data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and b"Choose the PDF file to check." in response.data


@pytest.fixture
def limited_client(database_url, app, tmp_path):
    """A second app on the same database with rate limiting on, as in production."""
    limited = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=False,
                         RATELIMIT_ENABLED=True, VERIFY_UPLOAD_LIMIT="2 per minute",
                         CERT_SIGNING_KEY_PATH=app.config["CERT_SIGNING_KEY_PATH"])
    limited.test_client_class = FreshContextClient
    yield limited.test_client()
    with limited.app_context():
        from training.extensions import limiter

        limiter.reset()
        db.engine.dispose()


def test_uploads_are_rate_limited(limited_client, original):
    codes = [upload(limited_client, original).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert limited_client.get(CHECK).status_code == 200  # reading the form is not limited


def test_upload_needs_the_csrf_token(csrf_app, client, original):
    assert upload(client, original).status_code == 400
