"""Signed, expiring, single-use links for email verification, password reset and email change.

A token carries the user id and a fingerprint of the account state it was issued for (the
password hash, the email address and whether it was verified). Using the link changes that
state, so the same link never works twice; a password change (or any email change) makes every
outstanding link fail. Each purpose has its own salt, so a link for one purpose cannot be
replayed for another.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from training.auth.models import User
from training.extensions import db

VERIFY = "verify-email"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"


class InvalidLink(ValueError):
    """The link is expired, used, tampered with or issued for another account state."""


@dataclass(frozen=True)
class LinkPayload:
    user: User
    extra: str


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"training.{purpose}")


def fingerprint(user: User) -> str:
    state = f"{user.password_hash}|{user.email}|{user.email_verified_at or ''}|{user.active}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def make_token(purpose: str, user: User, extra: str = "") -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": fingerprint(user), "x": extra})


def max_age(purpose: str) -> int:
    config = current_app.config
    if purpose == RESET:
        return int(config["RESET_LINK_MINUTES"]) * 60
    return int(config["VERIFY_LINK_HOURS"]) * 3600


def read_token(purpose: str, token: str) -> LinkPayload:
    """The account the link was made for, or InvalidLink (one reason for every failure)."""
    try:
        data = _serializer(purpose).loads(token[:2000], max_age=max_age(purpose))
        user = db.session.get(User, int(data["u"]))
        state, extra = str(data["f"]), str(data.get("x", ""))
    except (BadSignature, KeyError, TypeError, ValueError) as err:
        raise InvalidLink from err
    if user is None or not user.active or fingerprint(user) != state:
        raise InvalidLink
    return LinkPayload(user, extra)
