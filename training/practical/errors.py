"""The one error every practical service raises when a rule is broken."""

from __future__ import annotations


class PracticalError(ValueError):
    """A rule of the practical was broken; ``field`` names the form field concerned, if any."""

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.field = field
        self.status = status
