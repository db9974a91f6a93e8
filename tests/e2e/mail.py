"""Mail for the browser tests: the live server sends through a local SMTP server, and a test
reads the link a person would click."""

from __future__ import annotations

import re

import pytest

from tests.smtp_server import text_of


class LiveMail:
    def __init__(self, app, inbox):
        self.app = app
        self.inbox = inbox

    def link_to(self, address: str, part: str) -> str:
        """Send what is queued (as the worker would), then the path of the ``part`` link mailed to ``address``."""
        from training.notifications.sender import send_due_messages

        with self.app.app_context():
            send_due_messages()
        self.inbox.wait_for(1, timeout=5)
        for message in reversed(self.inbox.to(address)):
            for link in re.findall(r"https?://\S+", text_of(message)):
                if part in link:
                    return "/" + link.split("/", 3)[3]
        raise AssertionError(f"no {part} link mailed to {address}")


@pytest.fixture
def live_mail(live_app, smtp_server):
    saved = {key: live_app.config[key] for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    live_app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                           MAIL_USE_TLS=False)
    yield LiveMail(live_app, smtp_server)
    live_app.config.update(saved)
