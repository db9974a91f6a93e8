"""The login limits: per account and per address, and what the person is told when they hit one."""

from __future__ import annotations

import time

from flask import current_app, render_template

from training.auth import throttle
from training.auth.services import find_user_by_email, normalize_email
from training.extensions import db
from training.notifications.services import queue_email
from training.urls import public_url

#: the message every refusal shows; N is the whole minutes left in the window
TRY_AGAIN = "Too many login attempts. Try again in {minutes} minute{s}."


def check_login_allowed(email: str, address: str) -> throttle.Verdict:
    """Count this attempt for the address and the account; the stricter verdict wins."""
    config = current_app.config
    by_address = throttle.hit(f"address:{address}", config["LOGIN_LIMIT_PER_ADDRESS"])
    email = normalize_email(email)[:254]
    if not email:
        return by_address
    by_account = throttle.hit(f"account:{email}", config["LOGIN_LIMIT_PER_ACCOUNT"])
    if by_account.count == by_account.limit + 1:
        _warn_owner(email, by_account)
    if not by_address.allowed and (by_account.allowed or by_address.retry_after >= by_account.retry_after):
        return by_address
    return by_account


def _warn_owner(email: str, verdict: throttle.Verdict) -> None:
    """Tell the account's owner once per window that logging in is paused (silent for unknown addresses)."""
    user = find_user_by_email(email)
    if user is None:
        return
    queue_email(to=user, template="login_failures",
                context={"name": user.name, "attempts": verdict.count, "minutes": verdict.minutes,
                         "reset_link": public_url("account.forgot_password")},
                dedupe_key=f"login-failures:{user.id}:{_window_id(verdict)}")
    db.session.commit()


def _window_id(verdict: throttle.Verdict) -> str:
    """The minute the window ends in: one warning per window."""
    return str(int((time.time() + verdict.retry_after) // 60))


def too_many_attempts(form, verdict: throttle.Verdict):
    s = "" if verdict.minutes == 1 else "s"
    message = TRY_AGAIN.format(minutes=verdict.minutes, s=s)
    response = current_app.make_response((render_template("auth/login.html", form=form, refusal=message), 429))
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response
