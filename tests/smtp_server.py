"""A real SMTP server (aiosmtpd) on a free local port, keeping what arrives.

``server.refuse = True`` answers every message with a temporary failure (451), and
``server.hold_seconds`` makes the server wait before accepting (a slow or stuck server), and
``server.hold_rcpt_seconds`` before accepting a recipient (the message is not yet handed over).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self.hold_seconds = 0.0
        self.hold_rcpt_seconds = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold_rcpt_seconds:
            await asyncio.sleep(self.hold_rcpt_seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold_seconds:
            await asyncio.sleep(self.hold_seconds)
        if self.refuse:
            return "451 Try again later"
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def smtp_server():
    """Yields (inbox, port) of a running local SMTP server."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    """The test app sending through the local SMTP server, without TLS (it is on localhost)."""
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                      MAIL_USE_TLS=False, MAIL_USE_SSL=False, MAIL_TIMEOUT=5,
                      MAIL_DEFAULT_SENDER="ce@dn-training.example", MAIL_RETRY_BASE_SECONDS=0)
    return app
