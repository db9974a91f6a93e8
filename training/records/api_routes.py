"""The read-only records API for auditors' tools, authenticated by bearer tokens.

Tokens only: a browser session never opens the API, so the API needs no CSRF defence and a
leaked session cookie cannot be replayed against it. Every answer, errors included, is JSON.
"""

from __future__ import annotations

import re
from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue

from training.auth.decorators import public
from training.auth.roles import known_roles
from training.extensions import db, limiter
from training.records.csv_safe import json_record
from training.records.filters import QueryError, encode_cursor, parse_api_request
from training.records.openapi import openapi_document
from training.records.services import api_records, record_by_serial
from training.records.tokens import TokenRefused, authenticate_bearer, hash_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_RATE_LIMIT = "600 per minute"
#: what a serial can look like (DN-2026-000123); anything else is not looked up at all
_SERIAL_RE = re.compile(r"[A-Za-z0-9._-]{1,40}")


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _rate_key() -> str:
    """Count requests per token (its hash), not per address: behind a load balancer every
    client shares one address, and one client's tools may run from several."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        return "api-token:" + hash_token(raw.strip())
    return "api-address:" + (request.remote_addr or "")


limiter.limit(_rate_limit, key_func=_rate_key)(bp)


def error(status: int, message: str, **extra) -> ResponseReturnValue:
    """The API's one error shape: ``{"error": ..., "status": ...}`` plus optional ``fields``."""
    return jsonify(error=message, status=status, **extra), status


def token_required(*roles: str):
    """Allow the view to requests whose bearer token belongs to an active holder of ``roles``.

    Marks the view for the route table test: who may call it, that anonymous callers get
    401 rather than a login redirect, and that it authenticates by token. An unknown role
    name raises ``UnknownRoleError`` when the view is decorated.
    """
    roles = tuple(known_roles(roles))

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            try:
                auth = authenticate_bearer(request.headers.get("Authorization"), roles)
            except TokenRefused as refused:
                db.session.rollback()
                response, status = error(refused.status, refused.message)
                challenge = f'Bearer realm="records", error="{refused.error}"'
                response.headers["WWW-Authenticate"] = challenge
                return response, status
            db.session.commit()  # last_used_at, at most once a minute per token
            g.api_user = auth.user
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        wrapped.anonymous_status = 401
        wrapped.auth = "token"
        return wrapped

    return decorator


@bp.after_request
def no_store(response):
    """Personal data: no shared cache may keep it."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/certificates")
@token_required("auditor")
def certificates():
    try:
        flt, page = parse_api_request(request.args)
    except QueryError as err:
        return error(400, err.message, fields=err.errors)
    records, more = api_records(flt, page.after_id, page.limit)
    next_cursor = encode_cursor(int(records[-1]["id"])) if more else None
    return jsonify(
        data=[json_record(r) for r in records],
        next_cursor=next_cursor,
        limit=page.limit,
        filter=flt.to_args(),
    )


@bp.route("/certificates/<serial>")
@token_required("auditor")
def certificate(serial: str):
    record = record_by_serial(serial) if _SERIAL_RE.fullmatch(serial) else None
    if record is None:
        return error(404, "No certificate has this serial number.")
    return jsonify(json_record(record))


@bp.route("/openapi.json")
@public
def openapi():
    """The API's description; public, since it holds no data and tools fetch it unauthenticated."""
    return jsonify(openapi_document())
