"""A visitor on a phone checks a certificate PDF they were given, then a forged copy."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.certificates.forgery import rewrite_printed_text
from tests.conftest import _PASSWORD_HASH
from tests.factories import certificates_of, enrol, finish_online, make_course, sign_off
from training.auth.models import User, UserRole
from training.certificates.documents import certificate_pdf


def person(db, role: str, name: str) -> User:
    user = User(email=f"{role}-{uuid.uuid4().hex[:8]}@example.org", name=name,
                password_hash=_PASSWORD_HASH, profession="physical_therapist",
                license_number="PT-778812", license_state="GA")
    user.role_rows = [UserRole(role=role)]
    db.session.add(user)
    db.session.commit()
    return user


def test_check_a_pdf_you_were_given_on_a_phone(page, live_server, live_app, live_db, tmp_path):
    live_app.config["CERT_SIGNING_KEY_PATH"] = str(tmp_path / "signing-key.pem")
    live_app.extensions.pop("certificate_signing_key", None)
    live_app.config["PUBLIC_BASE_URL"] = live_server
    try:
        course = make_course()
        trainee, instructor = person(live_db, "trainee", "Ana Ribeiro"), person(live_db, "instructor", "Ravi")
        enrol(trainee, course)
        finish_online(trainee, course)
        sign_off(instructor, trainee, course)
        [certificate] = certificates_of(trainee)
        with live_app.test_request_context():
            pdf = certificate_pdf(certificate)
        live_db.session.commit()
        original, forged = tmp_path / "original.pdf", tmp_path / "forged.pdf"
        original.write_bytes(pdf)
        forged.write_bytes(rewrite_printed_text(pdf, "Ana Ribeiro", "Ann Ribeira"))

        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"/verify/{certificate.verification_code}")
        expect(page.get_by_text("Valid.")).to_be_visible()
        expect(page.get_by_role("heading", name="History")).to_be_visible()
        expect(page.get_by_role("link", name="Add to LinkedIn profile")).to_be_visible()
        page.get_by_role("link", name="Check a PDF you were given").click()
        page.get_by_label("Certificate PDF").set_input_files(str(original))
        page.get_by_role("button", name="Check PDF").click()
        expect(page.locator("#pdf-result")).to_contain_text("Genuine page.")
        page.get_by_label("Certificate PDF").set_input_files(str(forged))
        page.get_by_label("Certificate PDF").focus()
        page.keyboard.press("Tab")  # the button is next in the keyboard order
        expect(page.get_by_role("button", name="Check PDF")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#pdf-result")).to_contain_text("INVALID.")
        expect(page.locator("#pdf-result")).to_contain_text('printed "Ann Ribeira"')
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        live_app.config["PUBLIC_BASE_URL"] = ""
