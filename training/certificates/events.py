"""Issues a certificate whenever an event may have completed a course."""

from flask import Flask


def connect_events(app: Flask) -> None:
    """Subscribe to the lower layers' signals (lesson completed, attempt graded, sign-off)."""
