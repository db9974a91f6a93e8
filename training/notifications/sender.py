"""Sending the outbox: claim a due message, hand it to the mail backend, record the outcome.

A message is claimed with a conditional UPDATE (only one sender wins) for MAIL_CLAIM_SECONDS;
a sender that dies mid-way leaves a claim that simply runs out, and the message is taken up
again. Failures are retried with exponential backoff; the Message-ID is derived from the
outbox row, so even the unavoidable window (the server accepted, the sender died before
recording it) reaches the reader as one message.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, or_, select, update

from training.database import utcnow
from training.extensions import db
from training.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
LINK = re.compile(r"https?://\S+")


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message: plain text and HTML alternatives, from the provider's name."""
    config = current_app.config
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = formataddr((config["MAIL_PROVIDER_NAME"], config["MAIL_DEFAULT_SENDER"]))
    mail["To"] = message.to_email
    mail["Date"] = formatdate(localtime=False)
    domain = config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"
    mail["Message-ID"] = f"<outbox-{message.id}@{domain}>"
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    return mail


def send_via_smtp(mail: EmailMessage) -> None:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(mail)


def write_to_folder(mail: EmailMessage, message: OutboxMessage) -> Path:
    """Development: the message as an .eml file, and the links printed for the person at the console."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:06d}-{message.template}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(mail))
    tmp.replace(path)
    links = "\n".join(f"    {link}" for link in LINK.findall(message.text_body))
    print(f"[mail] to {message.to_email}: {message.subject}\n    saved as {path}\n{links}", flush=True)
    return path


def deliver(message: OutboxMessage) -> None:
    mail = build_email(message)
    if current_app.config["MAIL_BACKEND"] == "file":
        write_to_folder(mail, message)
    else:
        send_via_smtp(mail)


def claim(message_id: int) -> OutboxMessage | None:
    """Take the message for this sender if it is due and nobody holds it; commits the claim."""
    now = utcnow()
    until = now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    won = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING.value,
               OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=until)
    ).rowcount
    db.session.commit()
    if won != 1:
        return None
    message = db.session.get(OutboxMessage, message_id)
    return message if message is not None and message.claimed_until == until else None


def due_message_ids(limit: int = 50) -> list[int]:
    now = utcnow()
    return list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING.value, OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id).limit(limit)
    ))


def send_one(message_id: int) -> float | None:
    """Try to send one message; returns seconds until its retry when it failed, else None."""
    message = claim(message_id)
    if message is None:
        return None
    held = message.claimed_until
    config = current_app.config
    try:
        deliver(message)
    except Exception as err:  # noqa: BLE001 - any failure of the backend is retried, never lost
        attempts = message.attempts + 1
        delay = min(config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (attempts - 1), config["MAIL_RETRY_MAX_SECONDS"])
        gave_up = attempts >= config["MAIL_MAX_ATTEMPTS"]
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.claimed_until == held)
            .values(attempts=attempts, claimed_until=None, last_error=f"{type(err).__name__}: {err}"[:500],
                    next_attempt_at=utcnow() + timedelta(seconds=delay),
                    status=OutboxStatus.FAILED.value if gave_up else OutboxStatus.PENDING.value)
        )
        db.session.commit()
        log.warning("mail %s to %s failed (attempt %s): %s", message_id, message.to_email, attempts, err)
        return None if gave_up else delay
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.claimed_until == held)
        .values(status=OutboxStatus.SENT.value, sent_at=utcnow(), claimed_until=None,
                attempts=OutboxMessage.attempts + 1, last_error=None)
    )
    db.session.commit()
    log.info("mail %s sent to %s", message_id, message.to_email)
    return None


def send_due_messages(limit: int = 50) -> list[float]:
    """Send every due message (one claim each); returns the retry delays of those that failed."""
    retries = []
    for message_id in due_message_ids(limit):
        delay = send_one(message_id)
        if delay is not None:
            retries.append(delay)
    return retries


def retry_failed() -> int:
    """Put messages that ran out of attempts back in the queue; returns how many."""
    count = db.session.execute(
        update(OutboxMessage).where(and_(OutboxMessage.status == OutboxStatus.FAILED.value))
        .values(status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=utcnow(), claimed_until=None)
    ).rowcount
    db.session.commit()
    return count
