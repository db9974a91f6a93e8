"""``flask certificates verify FILE_OR_CODE`` and ``flask certificates issue-pending``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from modules.models import Course, Enrolment
from training.certificates.documents import find_by_serial, possible_notes, verify_code
from training.certificates.keyring import rotate_signing_key
from training.certificates.models import Certificate
from training.certificates.pdf_check import PdfRefused, check_pdf
from training.certificates.recertification import renew_where_due
from training.certificates.reminders import queue_expiry_reminders
from training.certificates.services import current_certificate, issue_certificate_if_complete
from training.certificates.signing import public_key_from_pem
from training.extensions import db

certificates_cli = AppGroup("certificates", help="Check and issue certificates.")

STATE_MESSAGES = {
    "malformed": "not a certificate file and not a verification code",
    "not_found": "no certificate has this verification code",
}


def _fail(message: str) -> None:
    click.echo(f"INVALID: {message}", err=True)
    raise SystemExit(1)


def _describe(snapshot: dict) -> str:
    return (f"{snapshot['serial']}: {snapshot['trainee_name']}, {snapshot['course_code']} "
            f"{snapshot['course_title']}, {snapshot['online_hours']} online + "
            f"{snapshot['practical_hours']} in-person hours, {snapshot['ceus']} CEUs, "
            f"completed {snapshot['completion_date']}")


def _verify_file(path: Path, public_key_file: str | None) -> None:
    key = public_key_from_pem(Path(public_key_file).read_bytes()) if public_key_file else None
    try:
        result = check_pdf(
            path.read_bytes(), max_bytes=current_app.config["VERIFY_UPLOAD_MAX_BYTES"],
            notes=possible_notes, verify_url=_configured_verify_url,
            **({"key_for": lambda _fingerprint: key} if key is not None else {}),
        )
    except PdfRefused as err:
        _fail(f"{path}: {err}")
    if not result.ok:
        _fail(result.reason)
    snapshot = result.snapshot
    if not result.url_checked:
        click.echo("note: PUBLIC_BASE_URL is not set, so the verification address printed on the "
                   "page was taken as printed", err=True)
    if public_key_file:  # offline: the signature and the page are all there is to check
        click.echo(f"VALID signature: {_describe(snapshot)}")
        return
    stored = find_by_serial(snapshot["serial"])
    if stored is None or stored.snapshot != snapshot:
        _fail(f"the signature holds, but {snapshot['serial']} is not on record in this database")
    _report(verify_code(stored.verification_code).state, stored, snapshot)


def _configured_verify_url(code: str) -> str | None:
    """The provider's verification address; None when the deployment does not say it."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base:
        return None
    return base + current_app.url_map.bind("localhost").build("verify.certificate", {"code": code})


def _report(state: str, certificate, snapshot: dict) -> None:
    if state == "revoked":
        _fail(f"{certificate.serial} was REVOKED on {certificate.revoked_at.date().isoformat()}: "
              f"{certificate.revocation_reason}")
    if state == "suspended":
        _fail(f"{certificate.serial} is SUSPENDED since "
              f"{certificate.suspended_at.date().isoformat()}: {certificate.suspension_reason}")
    if state == "expired":
        _fail(f"{certificate.serial} is genuine but EXPIRED on {certificate.expires_on.isoformat()}")
    if state == "superseded":
        replacement = certificate.superseded_by
        _fail(f"{certificate.serial} was SUPERSEDED"
              + (f" by {replacement.serial}" if replacement else ""))
    if state != "valid":
        _fail(f"{certificate.serial}: the stored record failed its integrity check")
    click.echo(f"VALID: {_describe(snapshot)}")


@certificates_cli.command("verify")
@click.argument("target")
@click.option("--public-key", "public_key_file", type=click.Path(exists=True, dir_okay=False),
              help="Check a PDF offline against this PEM public key (no database lookup).")
def verify_command(target: str, public_key_file: str | None) -> None:
    """Check a downloaded certificate PDF, or a verification code looked up in the database.

    A PDF is checked twice: its embedded record against the signature, and its printed page
    against a fresh rendering of that record (a page edited in a PDF editor fails). Exits 0
    only for a valid certificate: correctly signed, page unaltered, on record, and neither
    revoked, superseded, suspended nor expired. Anything else exits 1 with the reason.
    """
    path = Path(target)
    if path.is_file():
        _verify_file(path, public_key_file)
        return
    if public_key_file:
        _fail(f"{target} is not a file; --public-key checks PDF files only")
    result = verify_code(target)
    if result.certificate is None:
        _fail(STATE_MESSAGES[result.state])
    _report(result.state, result.certificate, result.certificate.snapshot)


@certificates_cli.command("issue-pending")
@click.option("--course", "course_code", help="Only this course code.")
def issue_pending_command(course_code: str | None) -> None:
    """Issue certificates to trainees who meet every rule but hold none (a safety net)."""
    stmt = select(Enrolment).where(Enrolment.completed_at.is_(None)).order_by(Enrolment.id)
    if course_code:
        stmt = stmt.join(Course, Course.id == Enrolment.course_id).where(Course.code == course_code)
    issued = 0
    for enrolment_id in list(db.session.scalars(stmt.with_only_columns(Enrolment.id))):
        enrolment = db.session.get(Enrolment, enrolment_id)
        if current_certificate(enrolment.user_id, enrolment.course_id) is not None:
            continue
        certificate = issue_certificate_if_complete(enrolment.user, enrolment.course,
                                                    trigger="issue-pending")
        db.session.commit()
        if certificate is not None:
            issued += 1
            click.echo(f"issued {certificate.serial} to {enrolment.user.email}")
    click.echo(f"{issued} certificate(s) issued.")


@certificates_cli.command("rotate-key")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def rotate_key_command(yes: bool) -> None:
    """Start signing with a new key; the old public key stays published for old certificates."""
    if not yes:
        click.confirm("Replace the certificate signing key now?", abort=True)
    try:
        old, new = rotate_signing_key()
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    db.session.commit()
    click.echo(f"retired key {old[:16]}... (still published); signing now with {new[:16]}...")


@certificates_cli.command("send-reminders")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Act as if it were this day.")
def send_reminders_command(today) -> None:
    """Queue the expiry reminders due (90, 60, 30 and 7 days ahead), each once per certificate."""
    count = queue_expiry_reminders(today.date() if today else None)
    db.session.commit()
    click.echo(f"{count} reminder(s) queued.")


@certificates_cli.command("renew-pending")
def renew_pending_command() -> None:
    """Issue renewals whose recertification path is met (a safety net for the automatic one)."""
    from training.auth.models import User

    user_ids = db.session.scalars(select(Certificate.user_id).where(
        Certificate.is_current.is_(True), Certificate.expires_on.is_not(None)).distinct()).all()
    renewed = 0
    for user_id in user_ids:
        renewed += len(renew_where_due(db.session.get(User, user_id)))
        db.session.commit()
    click.echo(f"{renewed} certificate(s) renewed.")
