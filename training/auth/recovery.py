"""Registration without enumeration, email verification, password reset and email change.

Every answer a visitor sees is the same whether or not an address has an account: the owner
of an existing account is told by mail instead. Links are made by ``training.auth.tokens``.
"""

from __future__ import annotations

from flask import current_app

from training.audit import record_event
from training.auth.models import User
from training.auth.passwords import hash_password
from training.auth.services import (
    AccountError,
    check_password_allowed,
    create_user,
    end_sessions,
    find_user_by_email,
    normalize_email,
)
from training.auth.tokens import CHANGE_EMAIL, RESET, VERIFY, InvalidLink, make_token, read_token
from training.database import utcnow
from training.notifications.services import queue_email
from training.urls import public_url


def _hour_bucket() -> str:
    return utcnow().strftime("%Y%m%d%H")


def send_verification(user: User, *, reason: str = "registration") -> None:
    """Queue a confirmation link for the user's current address (at most one per hour and reason)."""
    link = public_url("account.verify_email", token=make_token(VERIFY, user))
    queue_email(to=user, template="verify_email",
                context={"name": user.name, "link": link, "hours": _hours()},
                dedupe_key=f"verify:{user.id}:{user.email}:{reason}:{_hour_bucket()}")


def _hours() -> int:
    return int(current_app.config["VERIFY_LINK_HOURS"])


def register(fields: dict) -> User | None:
    """Create an unverified trainee and mail the link; for a taken address, mail its owner instead.

    Returns the new user, or None when the address was taken; callers answer both the same way.
    """
    email = normalize_email(fields["email"])
    check_password_allowed(fields["password"], email=email, name=fields["name"])
    existing = find_user_by_email(email)
    if existing is not None:
        hash_password(fields["password"])  # the same work as a real registration: no timing tell
        queue_email(to=existing, template="registration_attempt",
                    context={"name": existing.name, "login_link": public_url("auth.login"),
                             "reset_link": public_url("account.forgot_password")},
                    dedupe_key=f"registration-attempt:{existing.id}:{_hour_bucket()}")
        record_event("registration.duplicate", f"user:{existing.id}", actor=None)
        return None
    user = create_user(roles={"trainee"}, verified=False, via="registration", **fields)
    send_verification(user)
    return user


def verify_email(token: str) -> User:
    user = read_token(VERIFY, token).user
    if user.email_verified_at is not None:
        raise InvalidLink
    user.email_verified_at = utcnow()
    record_event("email.verified", f"user:{user.id}", {"email": user.email}, actor=user)
    return user


def resend_verification(email: str, *, by: User | None = None) -> None:
    """Mail a new link if ``email`` belongs to an unverified account; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or user.email_verified_at is not None or not user.active:
        return
    send_verification(user, reason="admin-resend" if by is not None else "resend")
    if by is not None:
        record_event("email.verification_resent", f"user:{user.id}", actor=by)


def request_password_reset(email: str) -> None:
    """Mail a reset link to an active account with this address; nothing at all otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    link = public_url("account.reset_password", token=make_token(RESET, user))
    queue_email(to=user, template="password_reset",
                context={"name": user.name, "link": link, "minutes": current_app.config["RESET_LINK_MINUTES"]},
                dedupe_key=f"reset:{user.id}:{utcnow():%Y%m%d%H%M}")
    record_event("password.reset_requested", f"user:{user.id}", actor=None)


def check_reset_link(token: str) -> User:
    return read_token(RESET, token).user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every other session of the account ends."""
    user = read_token(RESET, token).user
    check_password_allowed(new_password, email=user.email, name=user.name)
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link reached the inbox: the address is theirs
    end_sessions(user)
    record_event("password.reset", f"user:{user.id}", actor=user)
    return user


def request_email_change(user: User, new_email: str) -> None:
    """Mail a confirmation link to the new address and a notice to the current one."""
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise AccountError("That is already your email address.", field="email")
    link = public_url("account.confirm_email_change", token=make_token(CHANGE_EMAIL, user, new_email))
    stamp = utcnow().strftime("%Y%m%d%H%M")
    queue_email(to=new_email, template="email_change_confirm",
                context={"name": user.name, "link": link, "hours": _hours()},
                dedupe_key=f"email-change:{user.id}:{new_email}:{stamp}")
    queue_email(to=user, template="email_change_notice",
                context={"name": user.name, "new_email": new_email, "done": False,
                         "reset_link": public_url("account.forgot_password")},
                dedupe_key=f"email-change-notice:{user.id}:{new_email}:{stamp}")
    record_event("email.change_requested", f"user:{user.id}", {"to": new_email}, actor=user)


def confirm_email_change(token: str) -> User:
    """Switch to the confirmed address and tell the old one."""
    payload = read_token(CHANGE_EMAIL, token)
    user, new_email = payload.user, payload.extra
    if find_user_by_email(new_email) is not None:
        raise AccountError("This address is already used by another account.", field="email")
    old_email = user.email
    queue_email(to=old_email, template="email_change_notice",
                context={"name": user.name, "new_email": new_email, "done": True,
                         "reset_link": public_url("account.forgot_password")},
                dedupe_key=f"email-changed:{user.id}:{old_email}:{new_email}")
    user.email = new_email
    user.email_verified_at = utcnow()
    record_event("email.changed", f"user:{user.id}", {"from": old_email, "to": new_email}, actor=user)
    return user
