"""No input gives a server error: every route, every role, generated values.

Each route of the app is called with values that Hypothesis generates: query parameters on
every GET, and on every POST the fields of the form the page shows (read from its HTML) plus
a few it does not expect, filled with hostile values (NUL and control characters, numbers of
hundreds of digits, non-finite floats, huge page numbers, very long text) or, sometimes, a
value the page itself offers so the request goes deeper. URL ids point at real rows of the
demo course most of the time and at absurd ids otherwise. The app runs with
``PROPAGATE_EXCEPTIONS`` (testing), so an unhandled error fails the test with its traceback
and any 5xx status fails it too.

The number of generated requests is ``FUZZ_REQUESTS`` (default 5,000 per run, so 10,000 in CI,
which runs the suite on SQLite and on PostgreSQL), spread over the routes; the sweep adds each
extreme value to each field on top.
"""

from __future__ import annotations

import math
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from config import TestingConfig
from training import create_app
from training.extensions import db as _db

from .seed import ROLES

#: routes whose job is to end the session: fuzzing them would only log the fuzzer out
SKIPPED_ENDPOINTS = {"static", "bootstrap.static", "auth.logout"}
TOTAL_REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "5000"))
FIELD_PATTERN = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
VALUE_PATTERN = re.compile(r'\b(?:value)="([^"]*)"', re.I)
#: query parameters the list pages read, and a few they do not
QUERY_NAMES = ["page", "q", "course", "status", "from", "to", "date_from", "date_to", "issued_from",
               "issued_to", "sort", "state", "profession", "action", "actor", "per_page", "limit",
               "cursor", "format", "next", "code", "serial", "role", "user", "trainee", "zz"]

HOSTILE_TEXT = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\r\nBcc: x@example.org", "\x1b[31m", "\u202e", "é" * 3,
    "9" * 400, "-" + "9" * 400, "1e309", "-1e309", "nan", "NaN", "inf", "-inf", "sNaN", "0x10",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648", "-1", "0",
    "1.5", "1,5", "٣", "１２", "2026-02-30", "0000-00-00", "9999-12-31", "2026-13-01", "10000-01-01",
    "1970-01-01T00:00:00", "' OR 1=1 --", "<script>alert(1)</script>", "{{7*7}}", "%s%s%s", "../../etc/passwd",
    "javascript:alert(1)", "//evil.example", "https://evil.example/", "a" * 5000, "true", "false", "on",
    "null", "[]", "{}", "x@", "@example.org", "user1@example.org",
])
#: the values that overflow integer columns, floats and date parsers
EXTREME_NUMBERS = st.sampled_from([
    "9" * 400, "-" + "9" * 400, "9223372036854775808", "9223372036854775807", "1e309", "nan", "inf",
    "1" + "0" * 30, "-2147483649", "99999999999999999999.5",
])
TEXT = st.one_of(EXTREME_NUMBERS, HOSTILE_TEXT, st.text(max_size=40), st.integers().map(str),
                 st.floats(allow_nan=True, allow_infinity=True).map(repr))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _model_for(arg: str):
    """The mapped class an id argument names (``workshop_id`` -> ``Workshop``), if any."""
    wanted = arg.removesuffix("_id")
    classes = [m.class_ for m in _db.Model.registry.mappers]
    exact = [c for c in classes if _snake(c.__name__) == wanted]
    ending = [c for c in classes if _snake(c.__name__).endswith("_" + wanted)]
    return (exact or ending or [None])[0]


def real_values(rule) -> dict[str, list]:
    """For each URL argument of ``rule``, values that point at real rows (may be empty)."""
    values: dict[str, list] = {}
    for arg, converter in rule._converters.items():
        found: list = []
        if isinstance(converter, IntegerConverter):
            model = _model_for(arg)
            if model is not None:
                stmt = select(model.id).order_by(model.id).limit(3)
                if model.__name__ == "User":  # admin actions aim at bystanders, never at the actors
                    stmt = stmt.where(model.email.like("bystander-%"))
                found = list(_db.session.scalars(stmt))
            elif arg == "number":
                found = [1, 2]
        else:
            found = _string_values(arg)
        values[arg] = found
    return values


def _string_values(arg: str) -> list[str]:
    from modules.models import Course
    from training.certificates.models import Certificate

    if arg == "slug":
        return list(_db.session.scalars(select(Course.slug).limit(2)))
    if arg == "serial":
        return list(_db.session.scalars(select(Certificate.serial).limit(2)))
    if arg == "code":
        return list(_db.session.scalars(select(Certificate.verification_code).limit(2)))
    if arg == "qtype":
        return ["single", "multiple", "truefalse", "numeric", "short", "matching", "hotspot"]
    return []


def url_args(rule, real: dict[str, list]):
    """A strategy of URL argument values: mostly real rows, sometimes absurd ones."""
    parts = {}
    for arg, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            absurd = st.sampled_from([0, 999_999, 2**31, 2**63 + 5, 10**30])
        else:
            absurd = st.sampled_from(["x", "no-such-thing", "é", "a" * 300, "%00", "..", "-"])
        parts[arg] = st.one_of(st.sampled_from(real[arg]), absurd) if real[arg] else absurd
    return st.fixed_dictionaries(parts)


def form_fields(client, url: str) -> tuple[list[str], dict[str, list[str]]]:
    """The field names of the page at ``url`` and the values its HTML offers for each."""
    response = client.get(url, buffered=True)
    if response.status_code != 200 or response.mimetype != "text/html":
        return [], {}
    html = response.get_data(as_text=True)
    names: list[str] = []
    offered: dict[str, list[str]] = {}
    for match in re.finditer(r'<(input|select|textarea)\b[^>]*>', html, re.I):
        tag = match.group(0)
        name = FIELD_PATTERN.match(tag)
        if not name or name.group(1) == "csrf_token":
            continue
        names.append(name.group(1))
        value = VALUE_PATTERN.search(tag)
        if value:
            offered.setdefault(name.group(1), []).append(value.group(1))
    for match in re.finditer(r'<option\b[^>]*value="([^"]*)"', html, re.I):
        for name in names:
            offered.setdefault(name, []).append(match.group(1))
    return list(dict.fromkeys(names)), offered


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS]


def _cases():
    probe = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    cases = []
    for rule in sorted(_rules(probe), key=lambda r: r.rule):
        for method in sorted(rule.methods & {"GET", "POST"}):
            cases.append(pytest.param(rule.endpoint, method, id=f"{method} {rule.rule}"))
    return cases


CASES = _cases()
EXAMPLES = max(5, math.ceil(TOTAL_REQUESTS / len(CASES)))


def allowed_roles(app, endpoint: str) -> list[str | None]:
    """The roles that may open the view (anonymous too when it is public)."""
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", None)
    return [*ROLES, None] if allowed is None else [r for r in ROLES if r in allowed]


def open_as(app, users, token, endpoint, role):
    """A test client logged in as ``role`` (or carrying the auditor's token for API views)."""
    client = app.test_client()
    headers = {}
    if getattr(app.view_functions[endpoint], "auth", "session") == "token":
        headers = {"Authorization": f"Bearer {token}"} if role == "auditor" else {}
    elif role is not None:
        user = restore_actor(users[role], role)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    return client, headers


def restore_actor(user_id: int, role: str):
    """Undo what an earlier request did to the acting account (deactivated, role removed)."""
    from training.auth.models import User, UserRole

    _db.session.expire_all()
    user = _db.session.get(User, user_id)
    if not user.active or role not in user.roles:
        user.active = True
        if role not in user.roles:
            user.role_rows.append(UserRole(role=role))
        _db.session.commit()
    return user


def build_url(app, endpoint, args) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **args)


def check_response(response, method, url, role):
    _db.session.rollback()
    assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"


@pytest.mark.parametrize(("endpoint", "method"), CASES)
def test_generated_requests(world, endpoint, method):
    """Random requests: roles that may open the route, ids real or absurd, hostile values."""
    app, users, token = world
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    real = real_values(rule)
    roles = allowed_roles(app, endpoint)
    fields_cache: dict[tuple[str, str], tuple[list[str], dict[str, list[str]]]] = {}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data):
        role = data.draw(st.sampled_from(roles), label="role")
        url = build_url(app, endpoint, data.draw(url_args(rule, real), label="url args"))
        client, headers = open_as(app, users, token, endpoint, role)
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), TEXT, max_size=3), label="query")
        if data.draw(st.booleans(), label="page?"):
            query["page"] = data.draw(TEXT, label="page")
        if method == "GET":
            response = client.get(url, query_string=query, headers=headers, buffered=True)
        else:
            key = (url, role or "")
            if key not in fields_cache:
                fields_cache[key] = form_fields(client, url) if "GET" in rule.methods else ([], {})
            names, offered = fields_cache[key]
            form = MultiDict()
            for name in names + ["zz", "page"]:
                if data.draw(st.integers(0, 9), label="omit?") == 0:
                    continue
                choices = offered.get(name)
                value = data.draw(st.one_of(st.sampled_from(choices), TEXT) if choices else TEXT, label=name)
                form.add(name, value)
            response = client.post(url, data=form, query_string=query, headers=headers, buffered=True)
        check_response(response, method, url, role)

    check()


SWEEP_VALUES = ["9" * 400, "-" + "9" * 400, "9223372036854775808", "1e309", "nan", "inf", "-1", "",
                "a\x00b", "line\nbreak", "a" * 5000, "2026-02-30", "10000-01-01"]


@pytest.mark.parametrize(("endpoint", "method"), CASES)
def test_every_field_with_every_extreme_value(world, endpoint, method):
    """A sweep: each field (or query parameter) of the route in turn gets each extreme value
    while the others keep what the page offers, as the first allowed role."""
    app, users, token = world
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    real = real_values(rule)
    if any(not values for values in real.values()):
        return  # no real row to point at: the generated requests cover its absurd ids
    role = allowed_roles(app, endpoint)[0]
    url = build_url(app, endpoint, {arg: values[0] for arg, values in real.items()})
    client, headers = open_as(app, users, token, endpoint, role)
    names, offered = form_fields(client, url) if "GET" in rule.methods else ([], {})
    for name in (names if method == "POST" else []) + ["page"]:
        for value in SWEEP_VALUES:
            client, headers = open_as(app, users, token, endpoint, role)
            if method == "GET":
                response = client.get(url, query_string={name: value}, headers=headers, buffered=True)
            else:
                form = MultiDict([(n, (offered.get(n) or [""])[0]) for n in names if n != name])
                form.add(name, value)
                response = client.post(url, data=form, headers=headers, buffered=True)
            check_response(response, method, f"{url} [{name}={value[:20]!r}]", role)
