"""Every route against every role: a route added without an access check fails here."""

from __future__ import annotations

import pytest

ROLES = [None, "trainee", "instructor", "auditor", "admin"]
SKIP_ENDPOINTS = {"static", "bootstrap.static"}


def example_url(app, rule) -> str:
    """The rule's URL with placeholder values (objects that do not exist)."""
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg].__class__.__name__
        values[arg] = 999999 if converter == "IntegerConverter" else "no-such-thing"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def all_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP_ENDPOINTS]


def test_every_view_declares_who_may_open_it(app):
    undeclared = [
        rule.endpoint for rule in all_rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "allowed_roles")
    ]
    assert undeclared == [], f"views without role_required or public: {undeclared}"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_route_table(app, db, make_user, role):
    user = make_user(role) if role else None
    failures = []
    for rule in all_rules(app):
        view = app.view_functions[rule.endpoint]
        allowed = view.allowed_roles
        url = example_url(app, rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            client = app.test_client()
            if user is not None:
                db.session.refresh(user)  # logout in an earlier round bumped its session version
                with client.session_transaction() as session:
                    session["_user_id"] = user.get_id()
            response = client.open(url, method=method)
            status = response.status_code
            location = response.headers.get("Location", "")
            anonymous_status = getattr(view, "anonymous_status", 302)
            if allowed is None:  # public
                ok = status not in (401, 403)
            elif role is None:
                ok = status == anonymous_status and (status != 302 or "/login" in location)
            elif role in allowed:
                ends_at_login = rule.endpoint == "auth.logout"
                ok = status not in (401, 403) and ("/login" not in location or ends_at_login)
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{method} {url} as {role or 'anonymous'}: {status} {location}")
    assert failures == []
