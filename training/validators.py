"""Form validators shared by every feature."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import StopValidation


def finite_number(form, field) -> None:
    """Refuse NaN and infinities, which number fields otherwise accept ("nan", "sNaN", "inf").

    Must come before NumberRange: comparisons with NaN are all false (so it would pass) and a
    signalling NaN raises inside the comparison.
    """
    value = field.data
    if value is None:
        return
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        field.errors[:] = []
        raise StopValidation("Enter an ordinary number.")


#: control characters (C0, DEL, C1) and the Unicode line and paragraph separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(form, field) -> None:
    """Refuse newlines and control characters in a one-line text field.

    They break CSV exports and mail headers (header injection), and nobody's name or license
    number contains them. Installed on every single-line field by ``install_single_line_rule``.
    """
    value = field.data
    if isinstance(value, str) and _CONTROL.search(value):
        field.errors[:] = []
        raise StopValidation("Use a single line without control characters.")


def is_single_line_field(field) -> bool:
    """String inputs of one line: text, email, search, URL; not text areas, passwords or hidden fields."""
    return isinstance(field, StringField) and not isinstance(
        field, TextAreaField | PasswordField | HiddenField
    )


def install_single_line_rule() -> None:
    """Make every Flask-WTF form in the app refuse control characters in its one-line fields.

    One rule in one place: rather than each form remembering the validator, the forms' binding
    step adds it to every single-line field as the field is created (first, so it stops the
    chain with one clear message). Runs once; later calls change nothing.
    """
    meta = FlaskForm.Meta
    if getattr(meta, "_single_line_installed", False):
        return
    original_bind = meta.bind_field

    def bind_field(self, form, unbound_field, options):
        field = original_bind(self, form, unbound_field, options)
        if is_single_line_field(field) and single_line not in field.validators:
            field.validators = [single_line, *field.validators]
        return field

    meta.bind_field = bind_field
    meta._single_line_installed = True
