"""The one error every practical service raises when a rule is broken."""

from __future__ import annotations

from training.errors import RuleViolation


class PracticalError(RuleViolation):
    """A rule of the practical was broken; ``field`` names the form field concerned, if any.

    ``status`` is the 4xx answer: 409 when the rule is about the state of things (a full session),
    400 when the input itself is refused.
    """

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message, field)
        self.status = status
