"""Security headers: on every response, once each, never replacing what a view chose itself."""

from __future__ import annotations

from flask import Response

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                    "Permissions-Policy")


def test_a_page_gets_each_header_once_and_is_not_stored(client):
    response = client.get("/login")
    for name in (*SECURITY_HEADERS, "Cache-Control"):
        assert len(response.headers.getlist(name)) == 1, name
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_json_answers_get_the_headers_but_no_cache_rule_of_their_own(client):
    response = client.get("/healthz")
    assert all(name in response.headers for name in SECURITY_HEADERS)
    assert "Cache-Control" not in response.headers


def test_a_view_keeps_the_headers_it_set(app, client):
    @app.route("/_own-headers")
    def own_headers():
        return Response("<p>framed</p>", mimetype="text/html",
                        headers={"x-frame-options": "SAMEORIGIN", "Cache-Control": "private, max-age=60"})

    own_headers.is_public = True
    response = client.get("/_own-headers")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Cache-Control") == ["private, max-age=60"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_nul_characters_are_refused_in_query_strings_and_form_bodies_of_every_kind(client):
    assert client.get("/catalogue", query_string={"q": "a\x00b"}).status_code == 400
    assert client.get("/catalogue", query_string={"a\x00": "b"}).status_code == 400
    assert client.post("/login", data={"email": "a\x00@b.co", "password": "x"}).status_code == 400
    multipart = client.post("/login", data={"email": "a\x00@b.co", "password": "x"}, content_type="multipart/form-data")
    assert multipart.status_code == 400
    assert client.get("/catalogue").status_code == 200
