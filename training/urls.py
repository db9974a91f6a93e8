"""Absolute addresses on the public site, built in one place.

Mail, certificates (the printed link and its QR code, Open Badges), evidence packs and exports
carry links that must work far from the request that made them, and some are made by jobs with
no request at all. The address is ``PUBLIC_BASE_URL`` when configured (production), else the
current request's host, else ``http://localhost:5000`` (a job on a development machine).
"""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

DEVELOPMENT_BASE_URL = "http://localhost:5000"


def base_url() -> str:
    """The site's public address without a trailing slash."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return DEVELOPMENT_BASE_URL


def public_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint``; works inside a request and in a job alike."""
    if has_request_context():
        path = url_for(endpoint, **values)
        host = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
        return host + path
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    path = current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)
    return base_url() + path
