"""Account rules: registration, authentication, roles, deactivation, passwords."""

from __future__ import annotations

from sqlalchemy import func, select

from training.audit import record_event
from training.audit.changes import plain, update_fields
from training.auth.models import User, UserRole
from training.auth.passwords import hash_password, password_problems, verify_password
from training.auth.roles import Role
from training.database import utcnow
from training.errors import RuleViolation
from training.extensions import db


class AccountError(RuleViolation):
    """A rule about accounts was broken; ``field`` names the form field it concerns."""


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
    via: str = "service",
    by: User | None = None,
) -> User:
    """Create a user with ``roles``; checks uniqueness and password strength first.

    ``name`` is the print name (defaults to given + family names); without ``given_names``
    the parts are suggested from ``name`` and left for the person to confirm. ``verified``
    is False for self-registration and admin-created accounts, which confirm their address.
    Every path that opens an account comes here, so every account's creation is audited with
    the path it came by (``via``) and who opened it (``by``; the new user for registration).
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
    _record_account_created(user, via, by)
    return user


#: the profile and licence fields a certificate and a board roster print: changes are audited
PROFILE_FIELDS = ("email", "name", "given_names", "family_name", "names_confirmed_at", "time_zone",
                  "profession", "license_number", "license_state", "licensed_since")


def _record_account_created(user: User, via: str, by: User | None) -> None:
    """Audit a new account with its profile as a diff from nothing."""
    details = {"via": via, "roles": sorted(user.roles),
               "changes": {name: {"old": None, "new": plain(getattr(user, name))} for name in PROFILE_FIELDS}}
    action = "user.registered" if via == "registration" else "user.created"
    record_event(action, f"user:{user.id}", details, actor=user if via == "registration" else by)


def update_profile(user: User, values: dict, *, by: User | None = None) -> dict:
    """Change profile and licence fields, recording each old -> new value; returns the diff."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise AccountError(f"Not a profile field: {', '.join(sorted(unknown))}.")
    return update_fields(user, values, "user.profile_changed", f"user:{user.id}",
                         actor=by if by is not None else user)
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
    record_event("user.roles_changed", f"user:{user.id}",
                 {"from": before, "to": sorted(roles),
                  "changes": {"roles": {"old": before, "new": sorted(roles)}}}, by)


def set_active(user: User, active: bool, *, by: User | None = None) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if by is not None and by.id == user.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    end_sessions(user)
    record_event("user.deactivated" if not active else "user.reactivated", f"user:{user.id}", actor=by)
