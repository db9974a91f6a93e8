"""Forms shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, IntegerField, SubmitField
from wtforms.validators import StopValidation

from training.errors import RuleViolation


class ActionForm(FlaskForm):
    """A button that changes state (publish, enrol, start, revoke, log out): only the CSRF token.

    Templates render their own button; the view checks ``ActionForm().validate_on_submit()``.
    """

    submit = SubmitField("Go")


class BoundedIntegerField(IntegerField):
    """An integer field that refuses numbers longer than any real setting.

    WTForms' ``NumberRange`` compares through ``math.isnan``, which overflows on integers of
    hundreds of digits, and the database refuses integers past 64 bits: both would be a server
    error. Such input is refused before any other check, with a message next to the field.
    """

    MAX_DIGITS = 9
    _too_long = False

    def process_formdata(self, valuelist):
        self._too_long = bool(valuelist) and len(str(valuelist[0]).strip().lstrip("+-")) > self.MAX_DIGITS
        if self._too_long:
            self.data = None
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self._too_long:
            raise StopValidation(f"Enter a whole number of at most {self.MAX_DIGITS} digits.")
        super().pre_validate(form)


def show_error(form: FlaskForm, err: RuleViolation, default: str | None = None) -> None:
    """Put a service's refusal next to the field it names (or ``default``), else above the form.

    A list of sub-forms shows its errors per entry, so a message about the whole list goes on top.
    """
    field = getattr(form, err.field or default or "", None)
    if field is None or isinstance(field, FieldList):
        form.form_errors.append(str(err))
    else:
        field.errors = [*field.errors, str(err)]
