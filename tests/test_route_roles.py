"""Every route against every role: a route added without an access check fails here.

Views authenticated by API token (``view.auth == "token"``) are called with a bearer token
owned by the role's user instead of a session; anonymous callers send no token at all.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from training.records.tokens import create_token

ROLES = [None, "trainee", "instructor", "auditor", "admin"]
SKIP_ENDPOINTS = {"static", "bootstrap.static"}


def example_url(app, rule) -> str:
    """The rule's URL with placeholder values (objects that do not exist)."""
    values = {}
    for arg in rule.arguments:
        values[arg] = 999999 if isinstance(rule._converters[arg], IntegerConverter) else "no-such-thing"
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


def bearer_headers(db, user) -> dict[str, str]:
    """A fresh API token of ``user`` (any role may own one; only auditors' tokens open the API)."""
    _, raw = create_token(user, "route table")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_route_table(app, db, make_user, role):
    user = make_user(role) if role else None
    token_headers = bearer_headers(db, user) if user is not None else {}
    failures = []
    for rule in all_rules(app):
        view = app.view_functions[rule.endpoint]
        allowed = view.allowed_roles
        url = example_url(app, rule)
        by_token = getattr(view, "auth", "session") == "token"
        for method in sorted(rule.methods & {"GET", "POST"}):
            client = app.test_client()
            headers = token_headers if by_token else {}
            if user is not None and not by_token:
                db.session.refresh(user)  # logout in an earlier round bumped its session version
                with client.session_transaction() as session:
                    session["_user_id"] = user.get_id()
            response = client.open(url, method=method, headers=headers, buffered=True)
            status = response.status_code
            location = response.headers.get("Location", "")
            anonymous_status = getattr(view, "anonymous_status", 302)
            if by_token and response.mimetype != "application/json":
                failures.append(f"{method} {url} as {role or 'anonymous'}: answered without JSON")
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
