"""Public verification: every state, tampering, malformed codes, the rate limit, the key."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from config import TestingConfig
from tests.conftest import FreshContextClient
from training import create_app
from training.certificates import services
from training.certificates.keys import signing_key
from training.certificates.models import Certificate
from training.certificates.signing import public_key_fingerprint, public_key_from_pem
from training.certificates.snapshot import new_verification_code
from training.extensions import db


def verify_page(client, code: str):
    return client.get(f"/verify/{code}")


def test_a_valid_certificate_shows_its_frozen_data_without_login(client, trainee, certificate):
    response = verify_page(client, certificate.verification_code)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valid." in page
    for expected in ("Dana Whitfield", "Physical therapist", "TX PT-0458123", certificate.serial,
                     "9.5", "36.5", "3.6", certificate.snapshot["completion_date"]):
        assert expected in page, expected
    assert trainee.email not in page


def test_the_frozen_name_is_shown_after_a_profile_change(client, trainee, certificate):
    trainee.name = "Someone Else"
    db.session.commit()
    page = verify_page(client, certificate.verification_code).get_data(as_text=True)
    assert "Dana Whitfield" in page and "Someone Else" not in page


@pytest.mark.parametrize("typed", ["lower", "no dashes", "spaces"])
def test_loosely_typed_codes_redirect_to_the_canonical_address(client, certificate, typed):
    code = certificate.verification_code
    loose = {"lower": code.lower(), "no dashes": code.replace("-", ""),
             "spaces": code.replace("-", " ")}[typed]
    response = client.get(f"/verify/{loose}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/verify/{code}")


def test_the_lookup_form_redirects_to_the_code(client, certificate):
    form = client.get("/verify")
    assert form.status_code == 200 and b'name="code"' in form.data
    response = client.get("/verify", query_string={"code": certificate.verification_code.lower()})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.verification_code}")


@pytest.mark.parametrize("code", ["abc", "<img src=x onerror=alert(1)>", "X" * 300,
                                  "UUUU-UUUU-UUUU-UUUU-UUUU", "%00", "DN-2026-000001"])
def test_malformed_codes_reveal_nothing(client, certificate, code):
    response = client.get("/verify/" + code)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Not found." in page
    assert "<img src=x" not in page
    assert certificate.serial not in page and "Dana Whitfield" not in page
    form = client.get("/verify", query_string={"code": code})
    assert form.status_code == 400
    assert "not a verification code" in form.get_data(as_text=True)


def test_an_unknown_code_is_not_found(client, certificate):
    response = verify_page(client, new_verification_code())
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found." in page and certificate.serial not in page


def test_a_revoked_certificate_says_when_and_why(client, make_user, certificate):
    services.revoke(certificate, "Practical sign-off was recorded in error", make_user("admin"))
    db.session.commit()
    response = verify_page(client, certificate.verification_code)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Revoked" in page and "Valid." not in page
    assert certificate.revoked_at.strftime("%-d %b %Y") in page
    assert "Practical sign-off was recorded in error" in page


def test_a_superseded_certificate_points_to_its_replacement(client, make_user, certificate):
    new = services.reissue(certificate, "Name corrected", make_user("admin"))
    db.session.commit()
    page = verify_page(client, certificate.verification_code).get_data(as_text=True)
    assert "Superseded." in page and new.serial in page
    assert "Valid." in verify_page(client, new.verification_code).get_data(as_text=True)


@pytest.mark.parametrize("tamper", ["name", "hours", "signature", "serial swap", "fingerprint"])
def test_a_record_altered_in_the_database_shows_as_invalid(client, make_user, trainee, instructor,
                                                           course, certificate, tamper):
    row = db.session.get(Certificate, certificate.id)
    if tamper == "name":
        values = {"snapshot": {**row.snapshot, "trainee_name": "Mallory Forger"}}
    elif tamper == "hours":
        values = {"snapshot": {**row.snapshot, "practical_hours": "270", "total_hours": "279.5"}}
    elif tamper == "signature":
        values = {"signature": "A" * 86}
    elif tamper == "fingerprint":
        values = {"key_fingerprint": "0" * 64}
    else:  # the valid signed data of another certificate, pasted onto this row
        other = services.reissue(row, "copy source", make_user("admin"))
        db.session.flush()
        values = {"snapshot": other.snapshot, "signature": other.signature}
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id).values(**values))
    db.session.commit()
    response = verify_page(client, certificate.verification_code)
    page = response.get_data(as_text=True)
    assert "Invalid." in page and "Valid." not in page
    assert "Mallory Forger" not in page and "279.5" not in page


def test_the_public_key_is_published(client, certificate):
    response = client.get("/.well-known/certificate-signing-key.pem")
    assert response.status_code == 200
    key = public_key_from_pem(response.data)
    assert public_key_fingerprint(key) == certificate.key_fingerprint
    assert response.headers["X-Key-Fingerprint"] == certificate.key_fingerprint


def test_the_key_is_created_once_at_the_configured_path_and_cached(app, tmp_path):
    path = tmp_path / "signing-key.pem"
    assert app.config["CERT_SIGNING_KEY_PATH"] == str(path)
    assert not path.exists()
    first = signing_key()
    assert path.exists() and path.stat().st_mode & 0o077 == 0
    assert signing_key() is first


def test_a_key_given_in_the_environment_wins(app, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    app.config["CERT_SIGNING_KEY_PEM"] = pem.replace("\n", "\\n")  # as an env var carries it
    assert signing_key().fingerprint == public_key_fingerprint(private.public_key())
    assert not (tmp_path / "signing-key.pem").exists()


@pytest.fixture
def limited_client(database_url, app, tmp_path):
    """A second app on the same database with rate limiting on, as in production."""
    limited = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url,
                         RATELIMIT_ENABLED=True, VERIFY_LIMIT="3 per minute",
                         CERT_SIGNING_KEY_PATH=str(tmp_path / "signing-key.pem"))
    limited.test_client_class = FreshContextClient
    yield limited.test_client()
    with limited.app_context():
        from training.extensions import limiter

        limiter.reset()
        db.engine.dispose()


def test_verification_is_rate_limited_per_address(limited_client, certificate):
    codes = [limited_client.get(f"/verify/{certificate.verification_code}").status_code
             for _ in range(3)]
    codes.append(limited_client.get("/verify", query_string={"code": "x"}).status_code)
    assert codes == [200, 200, 200, 429]
    other = limited_client.get(f"/verify/{certificate.verification_code}",
                               environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_a_row_without_a_snapshot_does_not_crash_the_page(client, certificate):
    db.session.execute(text("UPDATE certificates SET snapshot = '{}' WHERE id = :id"),
                       {"id": certificate.id})
    db.session.commit()
    response = verify_page(client, certificate.verification_code)
    assert response.status_code == 200 and b"Invalid." in response.data
