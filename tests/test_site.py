"""Health check, error pages, security headers, CSRF and configuration."""

from __future__ import annotations

import pytest

from config import ProductionConfig


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers(csrf_app):
    response = csrf_app.test_client().get("/login")  # the CSRF token puts a session cookie
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(csrf_app, make_user, db):
    client = csrf_app.test_client()
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "whatever-it-is"})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.validate()
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.validate()


def test_production_sets_secure_cookies_and_hsts(monkeypatch, database_url):
    from training import create_app

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 48)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", database_url)
    monkeypatch.setattr(ProductionConfig, "PUBLIC_BASE_URL", "https://ce.example.org")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" in response.headers
    with app.app_context():
        from training.extensions import db

        db.engine.dispose()


def test_production_requires_public_base_url(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 48)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://db/x")
    monkeypatch.setattr(ProductionConfig, "PUBLIC_BASE_URL", "")
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        ProductionConfig.validate()


def test_nul_characters_are_refused_before_reaching_the_database(client, make_user, login):
    assert client.post("/login", data={"email": "a\x00@b.co", "password": "whatever-1234"}).status_code == 400
    login(make_user("admin"))
    response = client.get("/admin/users?q=%00")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/quizzes/99999999999999999999", "/admin/users/99999999999999999999",
                                 "/quizzes/attempts/2147483648"])
def test_ids_beyond_any_row_are_404_not_500(client, make_user, login, url):
    login(make_user("trainee", "admin"))
    assert client.get(url).status_code == 404
