"""Accounts for the browser tests, committed so the live server's thread can log them in."""

from __future__ import annotations

from uuid import uuid4

from tests.conftest import _PASSWORD_HASH
from training.auth.models import User, UserRole


def live_user(live_db, role: str, name: str, **fields) -> str:
    """A confirmed account with ``role`` and the shared test password; returns its email."""
    email = f"{role}-{uuid4().hex[:12]}@example.org"
    user = User(email=email, name=name, password_hash=_PASSWORD_HASH, **fields)
    user.role_rows = [UserRole(role=role)]
    live_db.session.add(user)
    live_db.session.commit()
    return email
