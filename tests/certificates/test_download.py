"""The certificate PDF: content, QR link, embedded signed record, same bytes, who may download."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

import training.certificates.pdf as pdf_module
from training.certificates import services
from training.certificates.record import RECORD_FILENAME, check_signed, extract_record
from training.certificates.signing import public_key_from_pem
from training.extensions import db


def pdf_url(certificate) -> str:
    return f"/certificates/{certificate.serial}.pdf"


def page_text(data: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def download(client, login, user, certificate):
    login(user, on=client)
    return client.get(pdf_url(certificate))


def test_pdf_shows_name_hours_serial_and_verification_link(client, login, trainee, certificate):
    response = download(client, login, trainee, certificate)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'filename="{certificate.serial}.pdf"' in response.headers["Content-Disposition"]
    text = page_text(response.data)
    for expected in ("Dana Whitfield", certificate.serial, certificate.verification_code,
                     "9.5", "27", "36.5", "3.6", "TX License No. PT-0458123",
                     "NIMT-CE-", f"http://localhost/verify/{certificate.verification_code}"):
        assert expected in text, expected


def test_the_qr_code_encodes_the_verification_url(app, client, login, trainee, certificate,
                                                  monkeypatch):
    app.config["PUBLIC_BASE_URL"] = "https://ce.example.org/"
    drawn = []
    real = pdf_module._draw_qr
    monkeypatch.setattr(pdf_module, "_draw_qr", lambda pdf, url, *a: (drawn.append(url),
                                                                      real(pdf, url, *a)))
    response = download(client, login, trainee, certificate)
    assert drawn == [f"https://ce.example.org/verify/{certificate.verification_code}"]
    assert drawn[0] in page_text(response.data)


def test_every_download_is_byte_for_byte_the_same(client, login, trainee, certificate):
    first = download(client, login, trainee, certificate).data
    assert client.get(pdf_url(certificate)).data == first


def test_the_pdf_carries_the_signed_record(client, login, trainee, certificate):
    data = download(client, login, trainee, certificate).data
    attachments = PdfReader(io.BytesIO(data)).attachments
    assert list(attachments) == [RECORD_FILENAME]
    record = extract_record(data)
    assert record["snapshot"] == certificate.snapshot
    assert record["signature"] == certificate.signature
    public = public_key_from_pem(client.get("/.well-known/certificate-signing-key.pem").data)
    assert check_signed(record["snapshot"], record["signature"], record["key_fingerprint"],
                        public).ok


@pytest.mark.parametrize(("who", "expected"), [
    ("owner", 200), ("other trainee", 404), ("instructor", 200), ("auditor", 200),
    ("admin", 403), ("anonymous", 302),
])
def test_who_may_download(client, login, make_user, trainee, certificate, who, expected):
    users = {
        "owner": trainee, "other trainee": make_user("trainee"),
        "instructor": make_user("instructor"), "auditor": make_user("auditor"),
        "admin": make_user("admin"),
    }
    if who != "anonymous":
        login(users[who], on=client)
    response = client.get(pdf_url(certificate))
    assert response.status_code == expected
    if expected != 200:
        assert b"%PDF" not in response.data
        assert certificate.verification_code.encode() not in response.data
        assert b"Dana Whitfield" not in response.data


def test_another_trainees_certificate_looks_like_a_missing_one(client, login, make_user,
                                                               certificate):
    login(make_user("trainee"), on=client)
    theirs = client.get(pdf_url(certificate))
    missing = client.get("/certificates/DN-2099-999999.pdf")
    assert theirs.status_code == missing.status_code == 404
    # identical pages, apart from the logout form's CSRF token (it carries a timestamp)
    token = re.compile(rb'name="csrf_token" value="[^"]*"')
    assert token.sub(b"", theirs.data) == token.sub(b"", missing.data)


def test_revoked_and_superseded_pdfs_say_so(client, login, make_user, trainee, certificate):
    admin = make_user("admin")
    replacement = services.reissue(certificate, "Name corrected", admin)
    db.session.commit()
    login(trainee, on=client)
    assert f"SUPERSEDED by {replacement.serial}" in page_text(
        client.get(pdf_url(certificate)).data)
    services.revoke(replacement, "Issued in error", admin)
    db.session.commit()
    assert "REVOKED on" in page_text(client.get(pdf_url(replacement)).data)


def test_a_tampered_record_is_not_served(client, login, trainee, certificate):
    certificate.snapshot = {**certificate.snapshot, "ceus": "9.9"}
    db.session.commit()
    response = download(client, login, trainee, certificate)
    assert response.status_code == 409
    assert b"integrity check" in response.data


def test_my_certificates_lists_own_only(client, login, make_user, trainee, certificate):
    login(trainee, on=client)
    page = client.get("/certificates").get_data(as_text=True)
    assert certificate.serial in page and pdf_url(certificate) in page
    assert f"/verify/{certificate.verification_code}" in page
    login(make_user("trainee"), on=client)
    assert certificate.serial not in client.get("/certificates").get_data(as_text=True)
