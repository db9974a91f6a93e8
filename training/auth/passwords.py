"""Password hashing (argon2id at OWASP parameters) and strength rules (ASVS level 2)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128
#: zxcvbn score from 0 (guessable in seconds) to 4; 3 resists an offline attack on a slow hash
MIN_STRENGTH = 3

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

#: a real hash of a random string, verified against when the email is unknown so that the
#: response time does not reveal which accounts exist
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; spends the same time when there is no account."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """Reasons ``password`` is unacceptable; empty when it is fine."""
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    # zxcvbn's dictionaries take about 12 MB: load them in the workers that check a new password
    from zxcvbn import zxcvbn

    result = zxcvbn(password, user_inputs=[i for i in (user_inputs or []) if i])
    if result["score"] < MIN_STRENGTH:
        feedback = result["feedback"]
        reason = feedback.get("warning") or "This password is too easy to guess."
        hints = " ".join(feedback.get("suggestions") or [])
        return [f"{reason} {hints}".strip()]
    return []
