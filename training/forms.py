"""Forms shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ActionForm(FlaskForm):
    """A button that changes state (publish, enrol, start, revoke, log out): only the CSRF token.

    Templates render their own button; the view checks ``ActionForm().validate_on_submit()``.
    """

    submit = SubmitField("Go")
