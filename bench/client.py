"""A small keep-alive HTTP client with a cookie jar per trainee, on the standard library only.

Connections belong to a load-generating client (one thread) and cookies to a trainee, so one
client can act for several trainees over the same connection, as a browser tab would not but a
proxy would: that keeps the connection count at exactly the number of clients.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

_CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


class FlowError(RuntimeError):
    """A response the flow did not expect (status, redirect target or page content)."""


@dataclass
class CookieJar:
    """The cookies of one trainee; Flask re-signs the session cookie on most responses."""

    cookies: dict[str, str] = field(default_factory=dict)

    def header(self) -> str:
        """The ``Cookie`` request header."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def update(self, set_cookies: list[str]) -> None:
        """Apply ``Set-Cookie`` headers (a deleted or expired cookie is dropped)."""
        for raw in set_cookies:
            pair, _, attributes = raw.partition(";")
            name, _, value = pair.strip().partition("=")
            expired = "max-age=0" in attributes.lower().replace(" ", "") or (
                "expires=thu, 01 jan 1970" in attributes.lower()
            )
            if expired or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


@dataclass
class Reply:
    status: int
    location: str
    body: str
    seconds: float


class Connection:
    """One persistent HTTP/1.1 connection, re-opened when the server closes it."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname or "127.0.0.1", parts.port or 80, timeout
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, jar: CookieJar, method: str, path: str, form: dict | list | None = None,
                accept: str = "text/html") -> Reply:
        """Send one request and read the whole reply; ``seconds`` covers send to last byte."""
        headers = {"Accept": accept, "Host": f"{self.host}:{self.port}"}
        if jar.cookies:
            headers["Cookie"] = jar.header()
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for retry in (False, True):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self._conn.request(method, path, body=body, headers=headers)
            except (ConnectionResetError, BrokenPipeError):
                # the server had closed this idle keep-alive connection before the request went
                # out (gunicorn closes them after a few seconds): it saw no whole request, so
                # sending again is safe for any method
                self.close()
                if retry:
                    raise
                continue
            try:
                response = self._conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # closed after the request went out: only a GET is surely safe to repeat
                if retry or method != "GET":
                    raise
                continue
            seconds = time.perf_counter() - started
            jar.update(response.headers.get_all("Set-Cookie") or [])
            if response.will_close:
                self.close()
            location = urlsplit(response.headers.get("Location", "")).path
            return Reply(response.status, location, data.decode("utf-8", "replace"), seconds)
        raise AssertionError("unreachable")


def csrf_token(html: str) -> str:
    """The CSRF token of a page's form (Flask-WTF binds it to the session, so it is reusable)."""
    match = _CSRF_RE.search(html)
    if match is None:
        raise FlowError("no csrf_token on the page")
    return match.group(1)


def expect(reply: Reply, status: int, what: str, location_prefix: str | None = None) -> Reply:
    """Fail the flow on any surprise, so an error page never counts as a success."""
    if reply.status != status:
        raise FlowError(f"{what}: HTTP {reply.status} (expected {status}) {reply.location}")
    if location_prefix is not None and not reply.location.startswith(location_prefix):
        raise FlowError(f"{what}: redirected to {reply.location!r}, expected {location_prefix}...")
    return reply


def login(conn: Connection, email: str, password: str, landing: str) -> tuple[CookieJar, str]:
    """Log in through the real form, then open ``landing``; returns the jar and a CSRF token.

    Login clears the session (and with it the CSRF secret), so the token for later forms is
    read from a page loaded after login.
    """
    jar = CookieJar()
    page = expect(conn.request(jar, "GET", "/login"), 200, "login page")
    form = {"email": email, "password": password, "csrf_token": csrf_token(page.body)}
    expect(conn.request(jar, "POST", "/login", form), 302, f"login {email}")
    landed = expect(conn.request(jar, "GET", landing), 200, f"{landing} after login")
    return jar, csrf_token(landed.body)
