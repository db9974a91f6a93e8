"""How Flask-Login finds the user of a session, and why old sessions stop working."""

from __future__ import annotations

from flask_login import AnonymousUserMixin, LoginManager
from sqlalchemy.orm import joinedload

from training.extensions import db


class AnonymousUser(AnonymousUserMixin):
    """A visitor with no roles, so role checks need no special case for anonymity."""

    roles: frozenset[str] = frozenset()

    def has_role(self, *roles: str) -> bool:
        return False


def configure_login(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = AnonymousUser
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def load_user(identity: str):
    """The active user whose session version matches the one stored in the session cookie.

    Logout, password change and deactivation bump the version, so a cookie captured before
    then no longer identifies anyone.
    """
    from training.auth.models import User

    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    # one query per request: the roles come in the same statement as the user
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
