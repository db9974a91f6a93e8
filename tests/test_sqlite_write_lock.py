"""On SQLite a writing request takes the write lock at its first write, not at its first read.

Always run against a SQLite file of its own (the behaviour is SQLite's), whatever database the
rest of the suite uses. A second plain connection with no busy timeout tells whether the lock
is held: ``BEGIN IMMEDIATE`` fails at once while another connection holds it.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, text, update

from config import TestingConfig
from training import create_app
from training.auth.models import User
from training.extensions import db


@pytest.fixture
def sqlite_app(tmp_path, signing_key_path):
    path = tmp_path / "lock.sqlite"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                     CERT_SIGNING_KEY_PATH=signing_key_path)
    with app.app_context():
        db.create_all()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def _lock_is_free(path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as err:
        assert "locked" in str(err)
        return False
    finally:
        other.close()


def test_reads_of_a_writing_request_leave_the_lock_free_until_its_first_write(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/", method="POST"):
        db.session.execute(select(User)).all()
        assert _lock_is_free(path)
        db.session.execute(update(User).values(active=True))
        assert not _lock_is_free(path)
        db.session.commit()
        assert _lock_is_free(path)


@pytest.mark.parametrize("lock", ["for update", "savepoint"])
def test_a_locking_read_or_a_savepoint_takes_the_lock_first(sqlite_app, lock):
    app, path = sqlite_app
    with app.test_request_context("/", method="POST"):
        if lock == "for update":
            db.session.execute(select(User).with_for_update()).all()
            assert not _lock_is_free(path)
        else:
            with db.session.begin_nested():
                db.session.execute(text("SELECT 1"))
                assert not _lock_is_free(path)
        db.session.rollback()
        assert _lock_is_free(path)


def test_a_reading_request_never_takes_the_lock(sqlite_app):
    app, path = sqlite_app
    with app.test_request_context("/", method="GET"):
        db.session.execute(select(User).with_for_update()).all()
        assert _lock_is_free(path)
        db.session.rollback()
