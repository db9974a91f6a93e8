"""``flask certificates verify FILE_OR_CODE`` and ``flask certificates issue-pending``."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from tests.factories import (
    add_attempt,
    certificates_of,
    complete_lessons,
    enrol,
    make_course,
    quizzes_of,
)
from training.certificates import services
from training.certificates.models import Certificate
from training.certificates.signing import public_key_pem
from training.extensions import db


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["certificates", *args])


def saved_pdf(client, login, trainee, certificate, tmp_path):
    login(trainee, on=client)
    path = tmp_path / f"{certificate.serial}.pdf"
    path.write_bytes(client.get(f"/certificates/{certificate.serial}.pdf").data)
    return path


def test_a_downloaded_pdf_verifies(app, client, login, trainee, certificate, tmp_path):
    result = run(app, "verify", str(saved_pdf(client, login, trainee, certificate, tmp_path)))
    assert result.exit_code == 0, result.output
    assert f"VALID: {certificate.serial}: Dana Whitfield" in result.output
    assert "27 in-person hours" in result.output


def test_a_pdf_verifies_offline_with_the_published_key(app, client, login, trainee, certificate,
                                                       tmp_path):
    pdf = saved_pdf(client, login, trainee, certificate, tmp_path)
    key = tmp_path / "published.pem"
    key.write_bytes(client.get("/.well-known/certificate-signing-key.pem").data)
    result = run(app, "verify", str(pdf), "--public-key", str(key))
    assert result.exit_code == 0 and "VALID signature" in result.output
    stranger = tmp_path / "stranger.pem"
    stranger.write_bytes(public_key_pem(Ed25519PrivateKey.generate()))
    result = run(app, "verify", str(pdf), "--public-key", str(stranger))
    assert result.exit_code == 1 and "another key" in result.output


def test_an_edited_pdf_fails(app, client, login, trainee, certificate, tmp_path):
    pdf = saved_pdf(client, login, trainee, certificate, tmp_path)
    data = pdf.read_bytes()
    assert data.count(b'"practical_hours":"27"') == 1
    pdf.write_bytes(data.replace(b'"practical_hours":"27"', b'"practical_hours":"72"'))
    result = run(app, "verify", str(pdf))
    assert result.exit_code == 1
    assert "INVALID: the signature does not match the data" in result.output


def test_a_file_that_is_not_a_certificate_fails(app, tmp_path):
    from pypdf import PdfWriter

    letter = PdfWriter()
    letter.add_blank_page(612, 792)
    other = tmp_path / "letter.pdf"
    letter.write(other)
    result = run(app, "verify", str(other))
    assert result.exit_code == 1 and "no embedded certificate record" in result.output
    other.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = run(app, "verify", str(other))
    assert result.exit_code == 1 and "damaged or malformed" in result.output


def test_the_pdf_of_a_revoked_certificate_fails(app, client, login, make_user, trainee,
                                                certificate, tmp_path):
    pdf = saved_pdf(client, login, trainee, certificate, tmp_path)
    services.revoke(certificate, "Issued in error", make_user("admin"))
    db.session.commit()
    result = run(app, "verify", str(pdf))
    assert result.exit_code == 1 and "REVOKED" in result.output and "Issued in error" in result.output


def test_a_code_verifies_from_the_database(app, certificate):
    result = run(app, "verify", certificate.verification_code.lower())
    assert result.exit_code == 0 and f"VALID: {certificate.serial}" in result.output


def test_unknown_and_malformed_codes_fail(app, certificate):
    unknown = run(app, "verify", "0000-0000-0000-0000-0000")
    assert unknown.exit_code == 1 and "no certificate has this verification code" in unknown.output
    malformed = run(app, "verify", "not-a-code")
    assert malformed.exit_code == 1 and "not a verification code" in malformed.output


def test_a_record_altered_in_the_database_fails(app, certificate):
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id).values(
        snapshot={**certificate.snapshot, "trainee_name": "Mallory Forger"}))
    db.session.commit()
    result = run(app, "verify", certificate.verification_code)
    assert result.exit_code == 1 and "integrity check" in result.output


def test_a_superseded_code_fails_and_names_the_replacement(app, make_user, certificate):
    new = services.reissue(certificate, "Name corrected", make_user("admin"))
    db.session.commit()
    result = run(app, "verify", certificate.verification_code)
    assert result.exit_code == 1 and f"SUPERSEDED by {new.serial}" in result.output


def test_issue_pending_catches_up_a_completion_no_event_announced(app, make_user):
    course = make_course(requires_signoff=False)
    trainee = make_user("trainee")
    enrol(trainee, course)
    complete_lessons(trainee, course)
    for quiz in quizzes_of(course):
        add_attempt(trainee, quiz, announce=False)
    assert certificates_of(trainee) == []
    result = run(app, "issue-pending")
    assert result.exit_code == 0, result.output
    [certificate] = certificates_of(trainee)
    assert f"issued {certificate.serial}" in result.output
    again = run(app, "issue-pending", "--course", course.code)
    assert "0 certificate(s) issued." in again.output
