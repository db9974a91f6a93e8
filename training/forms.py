"""Forms shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, SubmitField

from training.errors import RuleViolation


class ActionForm(FlaskForm):
    """A button that changes state (publish, enrol, start, revoke, log out): only the CSRF token.

    Templates render their own button; the view checks ``ActionForm().validate_on_submit()``.
    """

    submit = SubmitField("Go")


def show_error(form: FlaskForm, err: RuleViolation, default: str | None = None) -> None:
    """Put a service's refusal next to the field it names (or ``default``), else above the form.

    A list of sub-forms shows its errors per entry, so a message about the whole list goes on top.
    """
    field = getattr(form, err.field or default or "", None)
    if field is None or isinstance(field, FieldList):
        form.form_errors.append(str(err))
    else:
        field.errors = [*field.errors, str(err)]
