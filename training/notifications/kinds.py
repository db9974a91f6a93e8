"""The kinds of mail a person may turn off, and the ones they may not (with the reason)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MailKind:
    name: str
    label: str
    description: str


#: optional kinds by name; features add theirs with register_optional_kind
OPTIONAL_KINDS: dict[str, MailKind] = {}

#: mail everyone receives, shown on the preferences page with the reason
REQUIRED_KINDS: tuple[MailKind, ...] = (
    MailKind("verification", "Email address confirmation",
             "Needed to prove the address is yours before the account or a new address is used."),
    MailKind("password_reset", "Password reset links",
             "Sent only when someone asks to reset your password; the link is the only way back in."),
    MailKind("security", "Security notices",
             "Repeated failed logins, a registration attempt with your address and an email change are"
             " told to you so that you can act if it was not you."),
)


def register_optional_kind(name: str, label: str, description: str) -> MailKind:
    """Declare a kind of mail a person may turn off on their preferences page."""
    kind = MailKind(name, label, description)
    OPTIONAL_KINDS[name] = kind
    return kind


register_optional_kind("certificate_issued", "Certificate issued",
                       "Your CE certificate with its verification link, when a course is complete.")
register_optional_kind("waitlist_promotion", "Waitlist seat offered",
                       "A seat in a workshop you waited for became yours.")
register_optional_kind("workshop_reminder", "Upcoming workshop",
                       "A reminder two days before a workshop you hold a seat in.")
register_optional_kind("credential_expiring", "Credential expiring",
                       "A credential of yours is about to expire.")
register_optional_kind("supervised_session", "Supervised sessions",
                       "A supervised session you logged was countersigned or rejected.")
