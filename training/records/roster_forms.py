"""The board roster form: a board's state and a completion period."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from training.records.roster import MAX_DAYS


class RosterForm(FlaskForm):
    jurisdiction = SelectField("Board's state", validators=[DataRequired()])
    start = DateField("Completed from", validators=[DataRequired(message="Enter the first day.")])
    end = DateField("Completed to", validators=[DataRequired(message="Enter the last day.")])
    submit = SubmitField("Download CE Broker roster (CSV)")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction.choices = list(choices)

    def validate_end(self, field) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError("The period cannot end before it starts.")
            if (field.data - self.start.data).days > MAX_DAYS:
                raise ValidationError(f"Choose at most {MAX_DAYS} days.")
