"""Mails the trainee when a certificate is issued, in the issuing transaction (optional kind)."""

from __future__ import annotations

from training.certificates.models import Certificate
from training.notifications.services import queue_email
from training.urls import public_url


def on_certificate_issued(certificate: Certificate, **_extra) -> None:
    user = certificate.user
    queue_email(
        to=user,
        template="certificate_issued",
        context={
            "name": user.name,
            "course_title": certificate.course.title,
            "serial": certificate.serial,
            "certificate_link": public_url("certificates.download", serial=certificate.serial),
            "verify_link": public_url("verify.certificate", code=certificate.verification_code),
            "preferences_link": public_url("notifications.preferences"),
        },
        dedupe_key=f"certificate-issued:{certificate.id}",
        optional_kind="certificate_issued",
    )
