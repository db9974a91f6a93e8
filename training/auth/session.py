"""How Flask-Login finds the user of a session, and why old sessions stop working."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from training.content_version import remember_token, token_column
from training.extensions import db


class AnonymousUser(AnonymousUserMixin):
    """A visitor with no roles, so role checks need no special case for anonymity."""

    roles: frozenset[str] = frozenset()

    def has_role(self, *roles: str) -> bool:
        return False


def configure_session(app: Flask) -> None:
    app.session_interface = SessionCookies()


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
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    # one query per request: the roles and the content version come in the same statement
    row = db.session.execute(_user_with_roles(), {"user_id": int(user_id)}).unique().one_or_none()
    if row is None:
        return None
    user, content_token = row
    remember_token(content_token)
    if not user.active or user.session_version != int(version):
        return None
    return user


@cache
def _user_with_roles() -> Select:
    """The loader's statement, built once: every request runs it, and a statement object that
    is reused keeps its cache key, so SQLAlchemy neither rebuilds the eager-load option nor
    recomputes the key per request (about a third of the loader's cost).

    It also reads the content version (``training.content_version``): pages that show course
    content need it, and read along with the user it costs no statement of its own.
    """
    from training.auth.models import User

    return (select(User, token_column()).options(joinedload(User.role_rows))
            .where(User.id == bindparam("user_id")))


class TimedSession(SecureCookieSession):
    """A cookie session that knows when its cookie was signed (None for a new session)."""

    signed_at: datetime | None = None


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without re-signing an unchanged cookie on every response.

    A logged-in session is permanent: its cookie expires ``PERMANENT_SESSION_LIFETIME`` after
    it was last sent, and a cookie signed longer ago than that is refused, so an idle session
    ends. Flask keeps that window sliding by serialising, compressing, signing and sending the
    cookie again on every response, a fixed cost of every page. Here an unchanged session is
    re-sent only once its cookie is ``SESSION_COOKIE_REFRESH_SECONDS`` old: the idle limit
    moves at most that much earlier, and a changed session is sent at once, as before.
    """

    session_class = TimedSession

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """One serializer per set of keys (Flask builds a new one for every open and save)."""
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        cached = app.extensions.get("session_serializer")
        if cached is None or cached[0] != keys:
            cached = app.extensions["session_serializer"] = (keys, super().get_signing_serializer(app))
        return cached[1]

    def open_session(self, app: Flask, request: Request) -> TimedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: TimedSession) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        if session.signed_at is None:
            return True
        age = datetime.now(UTC) - session.signed_at
        return age >= timedelta(seconds=app.config["SESSION_COOKIE_REFRESH_SECONDS"])
