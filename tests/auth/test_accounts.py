"""Registration, login, logout, passwords and profiles through the real routes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from training.audit.models import AuditEntry
from training.auth.models import User

GOOD = "Tidal-Copper-Orchard-77"


def register_data(**overrides):
    data = {
        "given_names": "Maria",
        "family_name": "Lopez",
        "time_zone": "America/New_York",
        "email": "Maria.Lopez@Example.org",
        "profession": "chiropractor",
        "license_number": "DC-12345",
        "license_state": "FL",
        "password": GOOD,
        "confirm": GOOD,
    }
    data.update(overrides)
    return data


def user_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_trainee_registers_unverified_and_is_told_to_check_the_inbox(client, db):
    response = client.post("/register", data=register_data())
    assert response.status_code == 302 and response.location.endswith("/register/check-inbox")
    user = db.session.scalar(select(User))
    assert user.email == "maria.lopez@example.org"
    assert (user.given_names, user.family_name, user.name) == ("Maria", "Lopez", "Maria Lopez")
    assert user.time_zone == "America/New_York"
    assert user.email_verified_at is None
    assert user.roles == {"trainee"}
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD not in user.password_hash


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password": "short", "confirm": "short"}, "password", "at least 12"),
        ({"password": "x" * 129, "confirm": "x" * 129}, "password", "at most 128"),
        ({"password": "password1234", "confirm": "password1234"}, "password", "common"),
        ({"confirm": "Different-Words-99"}, "confirm", "differ"),
        ({"license_number": ""}, "license_number", "license number"),
        ({"license_state": ""}, "license_state", "state or jurisdiction"),
        ({"profession": "astrologer"}, "profession", "Not a valid choice"),
        ({"given_names": "Maria\nBcc: x@example.org"}, "given_names", "single line"),
        ({"family_name": "Lopez\x07"}, "family_name", "control characters"),
        ({"license_number": "DC-1\r\n2"}, "license_number", "single line"),
        ({"given_names": ""}, "given_names", "given name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Not a valid choice"),
    ],
)
def test_bad_registration_shows_error_next_to_field(client, db, overrides, field, message):
    response = client.post("/register", data=register_data(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    error = page.split(f'id="{field}-error"')[1].split("</div>")[0]
    assert message.lower() in error.lower()
    assert user_count(db) == 0


def test_taken_email_gets_the_same_answer_and_creates_nothing(client, db, make_user):
    make_user(email="maria.lopez@example.org")
    taken = client.post("/register", data=register_data(email="MARIA.LOPEZ@example.ORG"))
    fresh = client.post("/register", data=register_data(email="someone.else@example.org"))
    assert (taken.status_code, taken.location) == (fresh.status_code, fresh.location)
    assert "already" not in client.get(taken.location).get_data(as_text=True)
    assert user_count(db) == 2


def test_login_with_form_then_logout_kills_captured_cookie(client, make_user):
    user = make_user("trainee")
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    captured = client.get_cookie("dn_session").value
    assert client.get("/account").status_code == 200
    client.post("/logout")
    assert client.get("/account").status_code == 302
    # replaying the cookie captured before logout must not bring the session back
    client.set_cookie("dn_session", captured)
    assert client.get("/account").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user, db):
    user = make_user()
    wrong = client.post("/login", data={"email": user.email, "password": "Wrong-Password-123"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert "Email or password is not correct." in wrong.get_data(as_text=True)
    assert "Email or password is not correct." in unknown.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("login.failed") == 2


def test_login_starts_a_new_session(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account", "/account"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirects_only_to_this_site(client, make_user, next_url, expected):
    user = make_user()
    response = client.post(
        "/login", query_string={"next": next_url}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_change_password_requires_current_and_ends_other_sessions(app, client, make_user, login, db):
    user = make_user()
    other_device = app.test_client()
    login(user, on=other_device)
    login(user)
    bad = client.post(
        "/account/password",
        data={"current_password": "wrong-one-entirely", "password": GOOD, "confirm": GOOD},
    )
    assert bad.status_code == 400
    assert "current password is not correct" in bad.get_data(as_text=True)
    ok = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": GOOD, "confirm": GOOD}
    )
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200  # this session continues
    assert other_device.get("/account").status_code == 302  # the other one is over
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": GOOD}).status_code == 302


def test_profile_edit_validates_and_saves(client, make_user, login, db):
    user = make_user()
    login(user)
    bad = client.post("/account", data={"given_names": "", "profession": "chiropractor", "time_zone": "UTC",
                                        "license_number": "X", "license_state": "NY"})
    assert bad.status_code == 400
    ok = client.post("/account", data={"given_names": "Siobhán", "family_name": "O'Brien", "name": "",
                                       "time_zone": "America/Denver", "profession": "chiropractor",
                                       "license_number": "DC-9", "license_state": "NY"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.first_name, user.last_name) == ("Siobhán O'Brien", "Siobhán", "O'Brien")
    assert (user.profession, user.license_state, user.time_zone) == ("chiropractor", "NY", "America/Denver")
    assert user.names_confirmed_at is not None


@pytest.fixture
def limited_client(database_url, app):
    """A second app on the same database with rate limiting on, as in production."""
    from config import TestingConfig
    from tests.conftest import FreshContextClient
    from training import create_app

    limited = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                         WTF_CSRF_ENABLED=False)
    limited.test_client_class = FreshContextClient
    yield limited.test_client()
    with limited.app_context():
        from training.extensions import db, limiter

        limiter.reset()
        db.engine.dispose()


def test_login_is_rate_limited_per_account(limited_client, make_user):
    user = make_user()
    codes = [
        limited_client.post("/login", data={"email": user.email, "password": "Wrong-Password-1"},
                            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
        for i in range(7)
    ]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429, 429]


def test_login_is_rate_limited_per_address(limited_client, make_user):
    codes = [
        limited_client.post("/login", data={"email": f"x{i}@example.org", "password": "Wrong-1234567"},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        for i in range(21)
    ]
    assert codes[:20] == [401] * 20
    assert codes[20] == 429
