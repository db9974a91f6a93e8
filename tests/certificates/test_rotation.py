"""Key rotation: old certificates keep verifying against the key that signed them."""

from __future__ import annotations

from tests.certificates import independent_verifier as independent
from tests.factories import certificates_of, enrol, finish_online, sign_off
from training.audit.models import AuditEntry
from training.certificates.documents import integrity
from training.certificates.keys import signing_key
from training.extensions import db


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["certificates", *args])


def test_rotation_keeps_old_certificates_valid_and_signs_new_ones_with_the_new_key(
        app, client, login, make_user, trainee, instructor, course, certificate, tmp_path):
    login(trainee, on=client)
    old_pdf = tmp_path / "old.pdf"
    old_pdf.write_bytes(client.get(f"/certificates/{certificate.serial}.pdf").data)
    old_fingerprint = signing_key().fingerprint

    result = run(app, "rotate-key", "--yes")
    assert result.exit_code == 0, result.output
    new_fingerprint = signing_key().fingerprint
    assert new_fingerprint != old_fingerprint

    # old certificate: still verifies, by code, by PDF, and on the page
    db.session.expire_all()
    assert integrity(certificate).ok
    assert run(app, "verify", str(old_pdf)).exit_code == 0
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Valid." in page and old_fingerprint in page

    # new certificate: signed with the new key
    other = make_user("trainee")
    enrol(other, course)
    finish_online(other, course)
    sign_off(instructor, other, course)
    [new] = certificates_of(other)
    assert new.key_fingerprint == new_fingerprint and integrity(new).ok

    # both keys are published with their periods
    keys = {k["fingerprint"]: k for k in
            client.get("/.well-known/certificate-signing-keys.json").get_json()["keys"]}
    assert keys[old_fingerprint]["valid_until"] is not None and not keys[old_fingerprint]["active"]
    assert keys[new_fingerprint]["valid_until"] is None and keys[new_fingerprint]["active"]
    profile = client.get("/openbadges/issuer").get_json()
    assert len(profile["verificationMethod"]) == 2
    # the Open Badge of the old certificate is signed with the key in force, and verifies
    credential = client.get(f"/openbadges/credentials/{certificate.verification_code}.json").get_json()
    [method] = [m for m in profile["verificationMethod"]
                if m["id"] == credential["proof"]["verificationMethod"]]
    assert method["fingerprint"] == new_fingerprint
    assert independent.verify(credential, method["publicKeyMultibase"])
    assert db.session.query(AuditEntry).filter_by(action="certificate.key_rotated").count() == 1


def test_a_record_claiming_an_unpublished_key_is_invalid(client, certificate):
    certificate.key_fingerprint = "f" * 64
    db.session.commit()
    check = integrity(certificate)
    assert not check.ok and "never published" in check.reason
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Invalid." in page


def test_rotation_refuses_a_key_from_the_environment(app, certificate):
    from training.certificates.signing import private_key_pem

    app.config["CERT_SIGNING_KEY_PEM"] = private_key_pem(signing_key().private).decode()
    result = run(app, "rotate-key", "--yes")
    assert result.exit_code == 1 and "CERT_SIGNING_KEY_PEM" in result.output
