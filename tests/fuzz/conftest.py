"""The world every fuzz test runs in: one app over the demo course, shared by a module."""

from __future__ import annotations

import pytest

from config import TestingConfig
from tests.conftest import FreshContextClient, empty_all_tables
from training import create_app
from training.extensions import db as _db
from training.records.tokens import create_token

from .seed import seed_world


@pytest.fixture(scope="module")
def world(database_url, signing_key_path, tmp_path_factory):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=False,
                     CERT_SIGNING_KEY_PATH=signing_key_path, RATELIMIT_ENABLED=False,
                     MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    app.test_client_class = FreshContextClient
    with app.app_context():
        empty_all_tables()
        actors = seed_world()
        _, raw = create_token(actors["auditor"], "fuzz")
        _db.session.commit()
        users = {role: user.id for role, user in actors.items()}
        yield app, users, raw
        _db.session.remove()
        _db.engine.dispose()


