"""Security headers on every response (OWASP secure headers)."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

#: largest id accepted in a URL: beyond it a database integer column would overflow (a 500)
MAX_URL_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that answers 404 for ids no row can have, instead of a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_URL_ID)
        super().__init__(url_map, *args, **kwargs)


def register_url_converters(app: Flask) -> None:
    """Must run before blueprints are registered: rules bind their converters then."""
    app.url_map.converters["int"] = BoundedIntConverter

#: the bodies Werkzeug parses into ``request.form``
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register_security(app: Flask) -> None:
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:  # behind N trusted proxies: take the client address and scheme from their headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)

    @app.before_request
    def refuse_nul_characters():
        """NUL cannot be stored in PostgreSQL text; no form or query value legitimately has it.

        The records API is left to its own parameter checks, which name the offending field.
        """
        if request.blueprint == "api":
            return
        # only the parts a request has: most have no query string, and only form bodies have fields
        sources = [request.args] if request.query_string else []
        if request.mimetype in FORM_MIMETYPES:
            sources.append(request.form)
        for values in sources:
            if any("\x00" in value for value in values.values()) or any("\x00" in key for key in values):
                abort(400, description="The request contains a NUL character, which is not allowed.")

    fixed = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
             ("Referrer-Policy", "strict-origin-when-cross-origin"), ("X-Frame-Options", "DENY"),
             ("Permissions-Policy", "camera=(), microphone=(), geolocation=()")]
    if app.config.get("HSTS_ENABLED"):
        fixed.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    #: (lower-cased name, name, value): set on every response unless the view set its own
    defaults = tuple((name.lower(), name, value) for name, value in fixed)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}  # one pass, not one per header
        for lower, name, value in defaults:
            if lower not in present:
                headers.add(name, value)
        if response.mimetype == "text/html" and "cache-control" not in present:
            headers.add("Cache-Control", "no-store")
        return response
