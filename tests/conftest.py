"""Fixtures shared by the whole suite.

The schema is built once per run by the real migrations; each test gets a fresh app and
starts from empty tables. TEST_DATABASE_URL selects PostgreSQL; SQLite is the default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import count

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from config import TestingConfig
from training import create_app
from training.auth.models import User, UserRole
from training.auth.passwords import hash_password
from training.extensions import db as _db

#: the one password of every fixture user, hashed once per run (argon2 is slow on purpose)
PASSWORD = "fixture-Lantern-Quartz-58"
_PASSWORD_HASH = hash_password(PASSWORD)
_emails = count(1)

#: a real local SMTP server and the real job worker process, for the tests that send mail
pytest_plugins = ["tests.smtp_server", "tests.worker_process", "tests.redis_server", "tests.e2e.mail"]


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests ``e2e`` (so ``-m "not e2e"`` leaves them out) and run them last."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    )
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if url.startswith("postgresql"):
            _db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            _db.session.commit()
        upgrade()
        _db.engine.dispose()
    return url


class FreshContextClient(FlaskClient):
    """Serves each request in its own app context, as a real server does.

    Without this, requests would reuse the test's app context and share its ``g`` (the
    logged-in user) and database session, hiding bugs that only show between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def empty_all_tables() -> None:
    """Delete every row (children first) and reset the audit chain's head."""
    for table in reversed(_db.metadata.sorted_tables):
        if table.name == "audit_head":
            _db.session.execute(table.update().values(seq=0, hash="0" * 64))
        else:
            _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture(scope="session")
def signing_key_path(tmp_path_factory) -> str:
    """One certificate signing key per run, outside the instance folder."""
    return str(tmp_path_factory.mktemp("keys") / "certificate-signing-key.pem")


@pytest.fixture(scope="session")
def media_root(tmp_path_factory) -> str:
    """The media library's files for this run, in pytest's own temporary folder."""
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def app(database_url, signing_key_path, media_root):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=False,
                     CERT_SIGNING_KEY_PATH=signing_key_path, MEDIA_ROOT=media_root)
    app.test_client_class = FreshContextClient
    with app.app_context():
        empty_all_tables()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


class BrowserFormClient(FreshContextClient):
    """Posts forms as a browser does: CSRF on, the token read from the form's page first.

    ``post(url, data, page=...)`` reads the token from ``page`` (default: ``url`` itself);
    ``token=False`` posts without one, to show the refusal.
    """

    def post(self, url, data=None, *, page: str | None = None, token: bool = True, **kwargs):
        data = dict(data or {})
        if token:
            html = self.get(page or url).get_data(as_text=True)
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
            assert match, f"no CSRF token on {page or url}"
            data["csrf_token"] = match.group(1)
        return super().post(url, data=data, **kwargs)


@pytest.fixture
def form_client(csrf_app):
    """A client for the tests that are about forms: CSRF protection is on, as in production."""
    csrf_app.test_client_class = BrowserFormClient
    return csrf_app.test_client()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def make_user(app):
    """Create a user with ``roles`` and the fixture PASSWORD (pre-hashed)."""

    def make(*roles: str, **fields) -> User:
        n = next(_emails)
        values = {
            "email": f"user{n}@example.org",
            "name": f"Test User{n}",
            "profession": "physical_therapist",
            "license_number": f"PT-{n:05d}",
            "license_state": "TX",
            "email_verified_at": datetime(2026, 1, 5, 9, 0),
        }
        values.update(fields)
        if "given_names" not in values:  # as people confirm them: all but the last word, the last word
            *given, family = values["name"].split()
            values.update(given_names=" ".join(given), family_name=family)
        user = User(password_hash=_PASSWORD_HASH, **values)
        user.role_rows = [UserRole(role=r) for r in (roles or ("trainee",))]
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Log ``user`` in on the test client without paying for a password hash each time."""

    def do_login(user: User, on=None):
        target = on or client
        with target.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return target

    return do_login


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run inside it."""

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return counter


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: nothing may silently not run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; a skip counts as a failure here.", red=True)
        session.exitstatus = 1
