"""Open Badges 3.0 credentials and Bitstring Status Lists, checked by an independent verifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.certificates import independent_verifier as independent
from training.certificates import corrections, services
from training.certificates.data_integrity import add_proof, base58btc_decode, make_loader, verify_proof
from training.certificates.status_list import SIZE, bit, decode
from training.extensions import db

VECTORS = Path(__file__).with_name("vectors")


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def credential_of(client, certificate) -> dict:
    response = client.get(f"/openbadges/credentials/{certificate.verification_code}.json")
    assert response.status_code == 200
    return response.get_json()


def active_key(client) -> str:
    profile = client.get("/openbadges/issuer").get_json()
    [method] = [m for m in profile["verificationMethod"] if m["id"] == profile["activeKey"]]
    return method["publicKeyMultibase"]


def status_bit(client, entry: dict) -> bool:
    response = client.get(entry["statusListCredential"].replace("http://localhost", ""))
    assert response.status_code == 200
    status_list = response.get_json()
    assert independent.verify(status_list, active_key(client))
    subject = status_list["credentialSubject"]
    assert subject["statusPurpose"] == entry["statusPurpose"]
    bits = decode(subject["encodedList"])
    assert len(bits) * 8 >= 131_072 == SIZE
    return bit(bits, int(entry["statusListIndex"]))


def test_the_credential_is_an_open_badge_that_verifies_independently(client, certificate):
    credential = credential_of(client, certificate)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Dana Whitfield"
    assert subject["creditsEarned"] == 36.5 and subject["licenseNumber"] == "TX PT-0458123"
    assert subject["achievement"]["criteria"]["narrative"]
    assert credential["validFrom"] == certificate.snapshot["issued_at"]
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert independent.undefined_terms(credential) == []
    assert independent.verify(credential, active_key(client))


@pytest.mark.parametrize("tamper", [
    lambda c: c["credentialSubject"].update(creditsEarned=72.0),
    lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Dara Whitford"),
    lambda c: c.update(validUntil="2099-12-31T23:59:59Z"),
    lambda c: c["credentialStatus"].pop(),
])
def test_a_tampered_credential_fails(client, certificate, tamper):
    credential = credential_of(client, certificate)
    tamper(credential)
    assert not independent.verify(credential, active_key(client))


def test_download_and_share_links(client, certificate):
    code = certificate.verification_code
    download = client.get(f"/openbadges/credentials/{code}.json?download=1")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{certificate.serial}.openbadge.json"')
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert f"/openbadges/credentials/{code}.json?download=1" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    assert "certUrl=http%3A%2F%2Flocalhost%2Fverify%2F" in page
    assert client.get("/openbadges/credentials/0000-0000-0000-0000-0000.json").status_code == 404


def test_status_bits_flip_on_revoke_suspend_and_reinstate(client, certificate, admin):
    entries = {e["statusPurpose"]: e for e in credential_of(client, certificate)["credentialStatus"]}
    assert set(entries) == {"revocation", "suspension"}
    assert not status_bit(client, entries["revocation"])
    assert not status_bit(client, entries["suspension"])
    corrections.suspend(certificate, "Board review", admin)
    db.session.commit()
    assert status_bit(client, entries["suspension"]) and not status_bit(client, entries["revocation"])
    corrections.lift_suspension(certificate, "Cleared", admin)
    services.revoke(certificate, "Issued in error", admin)
    db.session.commit()
    assert status_bit(client, entries["revocation"]) and not status_bit(client, entries["suspension"])
    # a revoked credential still has a valid proof: its status is what says "revoked"
    assert independent.verify(credential_of(client, certificate), active_key(client))
    corrections.reverse_revocation(certificate, "Revoked the wrong record", admin)
    db.session.commit()
    assert not status_bit(client, entries["revocation"])


@pytest.mark.parametrize("url", ["/openbadges/status-lists/revocation/2",
                                 "/openbadges/status-lists/revocation/0",
                                 "/openbadges/status-lists/banana/1"])
def test_unknown_status_lists_are_404(client, certificate, url):
    assert client.get(url).status_code == 404


def test_no_list_exists_before_any_certificate(client):
    assert client.get("/openbadges/status-lists/revocation/1").status_code == 404


def test_the_signer_reproduces_the_specifications_test_vector():
    signed = json.loads((VECTORS / "eddsa-rdfc-2022-signed.json").read_text())
    pair = json.loads((VECTORS / "keypair.json").read_text())
    loader = make_loader({"https://www.w3.org/ns/credentials/examples/v2": json.loads(
        (VECTORS / "credentials-examples-v2.jsonld").read_text())})
    seed = base58btc_decode(pair["privateKeyMultibase"][1:])
    assert seed[:2] == b"\x80\x26"  # multicodec ed25519-priv
    private = Ed25519PrivateKey.from_private_bytes(seed[2:])
    again = add_proof(signed, private, signed["proof"]["verificationMethod"],
                      signed["proof"]["created"], loader)
    assert again == signed
    public = private.public_key()
    assert verify_proof(signed, lambda _method: public, loader)
    assert independent.verify(signed, pair["publicKeyMultibase"])


def test_contexts_are_never_fetched():
    with pytest.raises(Exception, match="not bundled"):
        make_loader()("https://example.org/evil-context", {})
