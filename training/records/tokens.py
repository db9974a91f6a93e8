"""API tokens: created and revoked by auditors, checked on every API request.

A token is ``dnce_`` + 43 URL-safe characters (256 random bits) and is shown exactly once;
the database keeps only its SHA-256, so a leaked backup reveals no usable token. A token
works only while it is not revoked *and* its owner is active and still an auditor, so
removing the role or deactivating the account switches every token off at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from training.audit import record_event
from training.auth.models import User
from training.auth.roles import Role
from training.database import utcnow
from training.extensions import db
from training.records.models import ApiToken

TOKEN_PREFIX = "dnce_"  # noqa: S105 - a public marker that secret scanners can match, not a secret
#: how stale ``last_used_at`` may get before a request writes it again (one write a minute)
LAST_USED_PRECISION = timedelta(minutes=1)
_TOKEN_RE = re.compile(rf"{TOKEN_PREFIX}[A-Za-z0-9_-]{{43}}")
_MAX_HEADER = 300


def hash_token(raw: str) -> str:
    """SHA-256 hex: tokens have 256 random bits, so a fast unsalted hash is enough."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(owner: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``owner``; returns the row and the raw token (shown once, never stored)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=owner.id, name=name.strip(), token_hash=hash_token(raw), prefix=raw[:12]
    )
    db.session.add(token)
    db.session.flush()
    details = {"name": token.name, "prefix": token.prefix}
    record_event("api_token.created", f"api_token:{token.id}", details, owner)
    return token, raw


def tokens_of(owner: User) -> list[ApiToken]:
    """The owner's tokens, newest first; nobody sees another auditor's tokens."""
    stmt = (
        select(ApiToken).where(ApiToken.user_id == owner.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(stmt))


def revoke_token(owner: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``owner``'s tokens; None if it is not theirs. Revoking twice is harmless."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != owner.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("api_token.revoked", f"api_token:{token.id}", {"prefix": token.prefix}, owner)
    return token


class TokenRefused(Exception):
    """Why a request's bearer token cannot be used, with the HTTP status to answer."""

    def __init__(self, status: int, message: str, error: str = "invalid_token") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error


@dataclass(frozen=True)
class TokenAuth:
    user: User
    token: ApiToken


def authenticate_bearer(header: str | None, roles: Iterable[str] = (Role.AUDITOR,)) -> TokenAuth:
    """The token and user behind an ``Authorization: Bearer ...`` header, or TokenRefused.

    401 for a missing, malformed, unknown or revoked token (or a deactivated owner): the
    credentials do not work. 403 when they are fine but the owner lacks the role.
    """
    if not header:
        raise TokenRefused(
            401, "Authentication required: send 'Authorization: Bearer <token>'.", "invalid_request"
        )
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if len(header) > _MAX_HEADER or scheme.lower() != "bearer" or not _TOKEN_RE.fullmatch(raw):
        raise TokenRefused(
            401, "Malformed Authorization header: expected 'Bearer dnce_...'.", "invalid_request"
        )
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None:
        raise TokenRefused(401, "The API token is not valid.")
    if token.revoked_at is not None:
        raise TokenRefused(401, "The API token has been revoked.")
    owner = token.user
    if owner is None or not owner.active:
        raise TokenRefused(401, "The account that owns this API token is deactivated.")
    roles = tuple(roles)
    if not owner.has_role(*roles):
        message = f"The owner of this API token does not hold the role {' or '.join(roles)}."
        raise TokenRefused(403, message, "insufficient_scope")
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
    return TokenAuth(user=owner, token=token)
