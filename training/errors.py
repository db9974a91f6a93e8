"""The one base error for a broken business rule that concerns a form field."""

from __future__ import annotations


class RuleViolation(ValueError):
    """A service refused the input; ``field`` names the form field it concerns (None: the whole form).

    Views hand it to ``training.forms.show_error``, which puts the message next to that field.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
