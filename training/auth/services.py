"""Account rules: registration, authentication, roles, deactivation, passwords."""

from __future__ import annotations

from sqlalchemy import func, select

from training.audit import record_event
from training.auth.models import User, UserRole
from training.auth.passwords import hash_password, password_problems, verify_password
from training.auth.roles import Role
from training.database import utcnow
from training.extensions import db


class AccountError(ValueError):
    """A rule about accounts was broken; ``field`` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def email_taken(email: str) -> bool:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.email == normalize_email(email))
    ) > 0


def check_password_allowed(password: str, *, email: str = "", name: str = "") -> None:
    problems = password_problems(password, [email, name, *name.split(), email.split("@")[0]])
    if problems:
        raise AccountError(problems[0], field="password")


def suggest_name_parts(name: str) -> tuple[str, str]:
    """A guess at (given names, family name) from one free-text name: the last word is the family name.

    Only ever a suggestion the person confirms; names do not split reliably ("de la Cruz").
    """
    words = name.split()
    if len(words) < 2:
        return " ".join(words), ""
    return " ".join(words[:-1]), words[-1]


def create_user(
    *,
    email: str,
    password: str,
    roles: set[str],
    name: str = "",
    given_names: str | None = None,
    family_name: str | None = None,
    time_zone: str = "UTC",
    profession: str | None = None,
    license_number: str | None = None,
    license_state: str | None = None,
    check_strength: bool = True,
    verified: bool = True,
) -> User:
    """Create a user with ``roles``; checks uniqueness and password strength first.

    ``name`` is the print name (defaults to given + family names); without ``given_names``
    the parts are suggested from ``name`` and left for the person to confirm. ``verified``
    is False for self-registration and admin-created accounts, which confirm their address.
    """
    email = normalize_email(email)
    unknown = set(roles) - {r.value for r in Role}
    if unknown or not roles:
        raise AccountError(f"Unknown role: {', '.join(sorted(unknown)) or 'none given'}.", "roles")
    if email_taken(email):
        raise AccountError("An account with this email already exists.", field="email")
    confirmed = given_names is not None
    if given_names is None:
        given_names, family_name = suggest_name_parts(name)
    given_names, family_name = given_names.strip(), (family_name or "").strip()
    name = name.strip() or f"{given_names} {family_name}".strip()
    if check_strength:
        check_password_allowed(password, email=email, name=name)
    now = utcnow()
    user = User(
        email=email,
        name=name,
        given_names=given_names,
        family_name=family_name,
        names_confirmed_at=now if confirmed else None,
        time_zone=time_zone,
        password_hash=hash_password(password),
        profession=profession or None,
        license_number=(license_number or "").strip() or None,
        license_state=(license_state or "").strip() or None,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    db.session.add(user)
    db.session.flush()
    if not verified:  # after the insert: the column's default would turn an explicit None into "now"
        user.email_verified_at = None
        db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; both outcomes are audited."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        record_event("login.failed", f"email:{normalize_email(email)[:200]}", actor=None)
        return None
    record_event("login", f"user:{user.id}", actor=user)
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to ``user`` so far."""
    user.session_version += 1


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not correct.", field="current_password")
    if current == new:
        raise AccountError("Choose a password different from the current one.", field="password")
    check_password_allowed(new, email=user.email, name=user.name)
    user.password_hash = hash_password(new)
    end_sessions(user)
    record_event("password.changed", f"user:{user.id}", actor=user)


def set_roles(user: User, roles: set[str], *, by: User | None = None) -> None:
    """Replace the user's roles; an admin cannot remove their own admin role."""
    unknown = set(roles) - {r.value for r in Role}
    if unknown or not roles:
        raise AccountError("Choose at least one known role.", field="roles")
    if by is not None and by.id == user.id and Role.ADMIN.value not in roles:
        raise AccountError("You cannot remove your own admin role.", field="roles")
    before = sorted(user.roles)
    if set(before) == set(roles):
        return
    user.role_rows = [r for r in user.role_rows if r.role in roles] + [
        UserRole(role=r) for r in sorted(set(roles) - user.roles)
    ]
    end_sessions(user)
    record_event("user.roles_changed", f"user:{user.id}", {"from": before, "to": sorted(roles)}, by)


def set_active(user: User, active: bool, *, by: User | None = None) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if by is not None and by.id == user.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    end_sessions(user)
    record_event("user.deactivated" if not active else "user.reactivated", f"user:{user.id}", actor=by)


PROFILE_FIELDS = ("name", "profession", "license_number", "license_state", "licensed_since",
                  "given_names", "family_name", "time_zone")


def record_profile_change(user: User, before: dict) -> None:
    """Audit what a profile save changed (license details feed jurisdiction evaluations)."""
    changes = {}
    for name in PROFILE_FIELDS:
        old, new = before.get(name), getattr(user, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    if changes:
        record_event("account.profile_changed", f"user:{user.id}", {"changes": changes}, actor=user)


def profile_values(user: User) -> dict:
    return {name: getattr(user, name) for name in PROFILE_FIELDS}


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
