"""The form for a board's approval of a course."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class ApprovalForm(FlaskForm):
    board = StringField("Board", validators=[DataRequired(), Length(max=200)],
                        description="e.g. Florida Board of Physical Therapy Practice")
    jurisdiction = StringField("State code", validators=[DataRequired(), Length(min=2, max=2)],
                               description="Two letters, e.g. FL.")
    provider_number = StringField("Provider number with this board", validators=[Optional(), Length(max=60)],
                                  description="CE Broker: the provider tracking number.")
    approval_number = StringField("Course approval number", validators=[DataRequired(), Length(max=80)],
                                  description="CE Broker: the course tracking number.")
    hours_approved = DecimalField("Hours approved", places=2, validators=[InputRequired()])
    subject_areas = TextAreaField("Hours by subject area", validators=[Optional(), Length(max=2000)],
                                  description="One 'Subject area: hours' per line; blank puts all hours under General.")
    valid_from = DateField("Valid from", validators=[DataRequired()])
    valid_to = DateField("Valid to", validators=[Optional()], description="Blank while the approval is open-ended.")
    submit = SubmitField("Save approval")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.jurisdiction.data:
            self.jurisdiction.data = self.jurisdiction.data.strip().upper()
