"""Fixtures of the progress tests: a course, a trainee enrolled in it, an instructor."""

from __future__ import annotations

import pytest

from tests.factories import enrol, make_course


@pytest.fixture(autouse=True)
def signing_key_file(request, tmp_path):
    """Point the certificate signing key at a temporary file (never the instance folder)."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config["CERT_SIGNING_KEY_PATH"] = str(tmp_path / "signing-key.pem")
        app.extensions.pop("certificate_signing_key", None)


@pytest.fixture
def course(app):
    return make_course()


@pytest.fixture
def trainee(make_user, course):
    user = make_user("trainee", name="Dana Whitfield", given_names="Dana", family_name="Whitfield",
                     license_number="PT-0458123",
                     license_state="TX")
    enrol(user, course)
    return user


@pytest.fixture
def instructor(make_user):
    return make_user("instructor", name="Ravi Menon")
