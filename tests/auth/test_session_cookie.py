"""The session cookie: sent again only when it changed or is due, idle sessions still end, and
every request still reads the user, the session version and the roles from the database."""

from __future__ import annotations

import time
from contextlib import contextmanager

import itsdangerous.timed
import pytest
from sqlalchemy import update

from tests.conftest import PASSWORD
from training.auth.models import User, UserRole

LIFETIME = 8 * 3600


@contextmanager
def signed_ago(monkeypatch, seconds: int):
    """Cookies written inside the ``with`` block carry a signature ``seconds`` old."""
    now = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.timed.time, "time", lambda: now - seconds)
        yield


def session_cookie_sent(response) -> bool:
    return any(header.startswith("dn_session=") for header in response.headers.getlist("Set-Cookie"))


def log_in_signed_ago(client, user, monkeypatch, seconds: int) -> None:
    """Log in with the form, as a browser does, with the cookie signed ``seconds`` ago."""
    with signed_ago(monkeypatch, seconds):
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        with client.session_transaction() as session:
            session["csrf_token"] = "0" * 40  # the pages' forms have their token already


def test_an_unchanged_recent_cookie_is_not_sent_again(client, make_user, monkeypatch):
    log_in_signed_ago(client, make_user(), monkeypatch, 10)
    response = client.get("/account")
    assert response.status_code == 200
    assert not session_cookie_sent(response)
    assert "Cookie" in response.headers["Vary"]


def test_a_cookie_older_than_the_refresh_interval_is_sent_again(client, make_user, monkeypatch):
    log_in_signed_ago(client, make_user(), monkeypatch, LIFETIME - 120)
    response = client.get("/account")
    assert response.status_code == 200
    assert session_cookie_sent(response)  # the idle limit slides with use
    assert not session_cookie_sent(client.get("/account"))  # and the new cookie is fresh


def test_a_changed_session_is_sent_at_once(client, make_user, monkeypatch):
    log_in_signed_ago(client, make_user(), monkeypatch, 10)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Saved.")]
    # reading the flash message changes the session: the cookie without it goes out at once
    response = client.get("/account")
    assert "Saved." in response.get_data(as_text=True)
    assert session_cookie_sent(response)


def test_an_idle_session_ends_after_its_lifetime(client, make_user, monkeypatch):
    log_in_signed_ago(client, make_user(), monkeypatch, LIFETIME + 60)
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("refresh", [0, 3600])
def test_the_refresh_interval_is_a_setting(app, client, make_user, monkeypatch, refresh):
    app.config["SESSION_COOKIE_REFRESH_SECONDS"] = refresh
    log_in_signed_ago(client, make_user(), monkeypatch, 120)
    assert session_cookie_sent(client.get("/account")) is (refresh == 0)


def test_a_forged_cookie_is_an_anonymous_visit(client, make_user, login):
    login(make_user())
    value = client.get_cookie("dn_session").value
    client.set_cookie("dn_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/account").status_code == 302


def test_deactivation_ends_a_session_whose_cookie_is_not_resent(client, make_user, db, monkeypatch):
    user = make_user()
    log_in_signed_ago(client, user, monkeypatch, 10)
    assert client.get("/account").status_code == 200
    db.session.execute(update(User).where(User.id == user.id).values(active=False))
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_a_new_role_shows_in_the_menu_at_the_next_request(client, make_user, login, db):
    user = make_user("trainee")
    login(user)
    page = client.get("/account").get_data(as_text=True)
    assert "My progress" in page and "Authoring" not in page
    db.session.add(UserRole(user_id=user.id, role="instructor"))
    db.session.commit()
    page = client.get("/account").get_data(as_text=True)
    assert "My progress" in page and "Authoring" in page
    assert client.get("/author/").status_code == 200
