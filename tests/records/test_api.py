"""Records API: bearer-token authentication, filters, cursor pages, and the OpenAPI contract."""

from __future__ import annotations

from datetime import datetime

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate
from sqlalchemy import select

from training.records.filters import encode_cursor
from training.records.models import ApiToken
from training.records.openapi import openapi_document
from training.records.tokens import create_token

LIST = "/api/v1/certificates"


@pytest.fixture(scope="module")
def spec() -> OpenAPI:
    document = openapi_document()
    validate(document)  # the document itself is valid OpenAPI 3.1
    return OpenAPI.from_dict(document)


@pytest.fixture
def conforms(spec):
    """Assert that a response matches the OpenAPI document (status, headers, body schema)."""

    def check(response) -> None:
        spec.validate_response(
            WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
        )

    return check


@pytest.fixture
def issued(make_user, make_course, make_certificate, revoke, reissue):
    trainee = make_user(name="Zoë Ñúñez", profession="chiropractor")
    course = make_course("DN-101")
    certs = [make_certificate(make_user(), course, issued_at=datetime(2026, 1, d)) for d in range(1, 6)]
    revoke(certs[0], "Wrong hours")
    first = make_certificate(trainee, make_course("DN-202"), issued_at=datetime(2026, 2, 1),
                             trainee_first_name="=cmd")
    return [*certs, first, reissue(first, issued_at=datetime(2026, 3, 1))]


@pytest.fixture
def api(client, auditor, bearer):
    headers = bearer(auditor)

    def get(url: str, **kwargs):
        return client.get(url, headers=kwargs.pop("headers", headers), **kwargs)

    return get


def test_list_and_detail(api, issued, conforms):
    response = api(LIST)
    assert response.status_code == 200
    conforms(response)
    body = response.json
    assert [r["serial"] for r in body["data"]] == [c.serial for c in issued]  # issue (id) order
    assert body["next_cursor"] is None and body["limit"] == 50 and body["filter"] == {}
    revoked = body["data"][0]
    assert revoked["status"] == "revoked" and revoked["revocation_reason"] == "Wrong hours"
    assert body["data"][5]["first_name"] == "=cmd"  # raw: JSON is for programs
    assert body["data"][5]["superseded_by"] == issued[6].serial
    assert response.headers["Cache-Control"] == "no-store"
    detail = api(f"{LIST}/{issued[5].serial}")
    conforms(detail)
    assert detail.json == body["data"][5]


def test_same_filters_as_the_pages(api, issued, conforms):
    response = api(f"{LIST}?status=valid&course=DN-101&issued_from=2026-01-02&issued_to=2026-01-04")
    conforms(response)
    assert [r["serial"] for r in response.json["data"]] == [c.serial for c in issued[1:4]]
    assert response.json["filter"] == {
        "issued_from": "2026-01-02", "issued_to": "2026-01-04", "course": "DN-101", "status": "valid"
    }
    chiro = api(f"{LIST}?profession=chiropractor&status=superseded").json["data"]
    assert [r["serial"] for r in chiro] == [issued[5].serial]


def test_cursor_pages_walk_everything_once(api, issued, conforms):
    seen, url = [], f"{LIST}?limit=2&course=DN-101"
    while url:
        response = api(url)
        conforms(response)
        seen.extend(r["serial"] for r in response.json["data"])
        cursor = response.json["next_cursor"]
        url = f"{LIST}?limit=2&course=DN-101&cursor={cursor}" if cursor else None
    assert seen == [c.serial for c in issued[:5]]
    beyond = api(f"{LIST}?cursor={encode_cursor(2**31 - 1)}")  # the largest id there can be
    assert beyond.status_code == 200 and beyond.json["data"] == [] and beyond.json["next_cursor"] is None
    assert api(f"{LIST}?cursor={encode_cursor(2**31)}").status_code == 400  # ids are 32-bit


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?limit=1000000", "limit"),
        ("?limit=0", "limit"),
        ("?cursor=not-a-cursor", "cursor"),
        ("?issued_from=2026-02-31", "issued_from"),
        ("?issued_from=2026-03-01&issued_to=2026-01-01", "issued_to"),
        ("?status=lapsed", "status"),
        ("?page=2", "page"),
        ("?course=x&course=y", "course"),
        ("?license_state=%00", "license_state"),
    ],
)
def test_bad_input_is_a_json_400(api, issued, conforms, query, field):
    response = api(LIST + query)
    assert response.status_code == 400
    conforms(response)
    assert field in response.json["fields"] and response.json["error"].startswith(f"{field}: ")


def test_unknown_serial_is_a_json_404(api, conforms):
    for serial in ("DN-2026-999999", "x" * 41, "%E2%80%AE", "DN%00X", "%20"):
        response = api(f"{LIST}/{serial}")
        assert response.status_code == 404 and response.json["status"] == 404
    conforms(api(f"{LIST}/DN-2026-999999"))


def _headers(raw: str) -> dict[str, str]:
    return {"Authorization": raw}


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer dnce_short", "Token dnce_" + "a" * 43,
     "Bearer dnce_" + "a" * 42 + "!", "Bearer " + "a" * 5000],
)
def test_missing_or_malformed_token_is_401(client, issued, conforms, authorization):
    headers = {} if authorization is None else _headers(authorization)
    response = client.get(LIST, headers=headers)
    assert response.status_code == 401
    conforms(response)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="records"')
    assert "data" not in response.json


def test_unknown_and_revoked_tokens_are_401(client, api, auditor, bearer, db, conforms):
    response = client.get(LIST, headers=_headers("Bearer dnce_" + "A" * 43))
    assert response.status_code == 401 and response.json["error"] == "The API token is not valid."
    headers = bearer(auditor)
    db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc())).revoked_at = datetime(2026, 1, 1)
    db.session.commit()
    response = client.get(LIST, headers=headers)
    assert response.status_code == 401 and response.json["error"] == "The API token has been revoked."
    conforms(response)


@pytest.mark.parametrize("role", ["trainee", "instructor", "admin"])
def test_tokens_of_non_auditors_are_403(client, make_user, bearer, issued, conforms, role):
    headers = bearer(make_user(role))
    for url in (LIST, f"{LIST}/{issued[0].serial}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 403
        conforms(response)
        assert "serial" not in response.text


def test_token_stops_working_with_the_role_or_the_account(client, auditor, bearer, db):
    headers = bearer(auditor)
    assert client.get(LIST, headers=headers).status_code == 200
    auditor.role_rows[0].role = "trainee"
    db.session.commit()
    assert client.get(LIST, headers=headers).status_code == 403
    auditor.role_rows[0].role = "auditor"
    auditor.active = False
    db.session.commit()
    response = client.get(LIST, headers=headers)
    assert response.status_code == 401 and "deactivated" in response.json["error"]


def test_a_browser_session_does_not_open_the_api(client, login, auditor):
    login(auditor)
    assert client.get(LIST).status_code == 401


def test_last_used_is_recorded(api, auditor, db):
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_at is None
    api(LIST)
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_raw_token_format(auditor, db):
    token, raw = create_token(auditor, "x")
    assert raw.startswith("dnce_") and len(raw) == 48 and token.prefix == raw[:12]


def test_openapi_document_is_public_and_matches_the_code(client, spec, conforms):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    conforms(response)
    document = response.json
    assert document == openapi_document()
    parameters = {p["name"] for p in document["paths"]["/api/v1/certificates"]["get"]["parameters"]}
    from training.records.filters import CERTIFICATE_FILTERS

    assert parameters == {*CERTIFICATE_FILTERS, "limit", "cursor"}


def test_the_contract_check_catches_drift(api, issued):
    """Guards the guard: a document that disagrees with a response makes validation fail."""
    from openapi_core.validation.response.exceptions import InvalidData

    document = openapi_document()
    document["components"]["schemas"]["Certificate"]["properties"]["ceus"]["type"] = "number"
    drifted = OpenAPI.from_dict(document)
    response = api(f"{LIST}/{issued[0].serial}")
    with pytest.raises(InvalidData):
        drifted.validate_response(
            WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
        )


def test_rate_limit_counts_per_token_not_per_address(database_url, signing_key_path, make_user, bearer):
    from config import TestingConfig
    from tests.conftest import FreshContextClient
    from training import create_app
    from training.extensions import db, limiter

    limited = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                         API_RATE_LIMIT="2 per minute", CERT_SIGNING_KEY_PATH=signing_key_path)
    limited.test_client_class = FreshContextClient
    first, second = bearer(make_user("auditor")), bearer(make_user("auditor"))
    client = limited.test_client()
    try:
        codes = [client.get("/api/v1/certificates", headers=first).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.get("/api/v1/certificates", headers=second).status_code == 200  # same address
        moved = client.get("/api/v1/certificates", headers=first, environ_base={"REMOTE_ADDR": "10.1.1.1"})
        assert moved.status_code == 429  # a new address does not reset the token's budget
    finally:
        with limited.app_context():
            limiter.reset()
            db.engine.dispose()
