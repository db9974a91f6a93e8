"""Browser tests: the real app on a real server, driven by headless Chromium.

One server and one browser per run; each test gets a fresh browser context (cookies).
Screenshots of failures go to test-artifacts/ (ignored by git).
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from config import TestingConfig
from training import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_app(database_url, signing_key_path):
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True,
                      CERT_SIGNING_KEY_PATH=signing_key_path)


@pytest.fixture(scope="session")
def live_server(live_app):
    """The app served by werkzeug's threaded server on a free localhost port."""
    port = free_port()
    server = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if getattr(request.node, "failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed = True
    return report


@pytest.fixture
def live_db(live_app):
    """An app context on the live server's app, for arranging data and checking results."""
    from training.extensions import db

    with live_app.app_context():
        yield db
        db.session.remove()
