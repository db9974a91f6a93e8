"""Forms of the progress pages: the instructor's practical sign-off."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training.auth.forms import MultiCheckboxField
from training.database import utcnow
from training.progress.services import HARD_MAX_HOURS, MAX_NOTES, OUTCOMES
from training.validators import finite_number


class SignOffForm(FlaskForm):
    """A practical evaluation; the checklist comes from the course (``checklist=``)."""

    evaluated_on = DateField(
        "Date of the evaluation", validators=[DataRequired(message="Enter a valid date.")],
        default=lambda: utcnow().date(),
    )
    hours = DecimalField(
        "In-person hours evaluated", places=2,
        validators=[finite_number, InputRequired(message="Enter the in-person hours."),
                    NumberRange(min=0, max=float(HARD_MAX_HOURS))],
        description="Supervised in-person hours; a pass needs at least the course's hours.",
    )
    skills = MultiCheckboxField("Skills demonstrated", choices=[])
    #: starts unset: a sign-off is a judgement the instructor makes, never a default
    outcome = SelectField("Outcome", choices=[("", "Choose an outcome…"), *OUTCOMES.items()], default="",
                          validators=[DataRequired(message="Choose the outcome of the evaluation.")])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=MAX_NOTES)])
    submit = SubmitField("Record sign-off")

    def __init__(self, *args, checklist: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self._checklist = list(checklist)
        self.skills.choices = [(str(i), item) for i, item in enumerate(self._checklist)]

    def checked_skills(self) -> list[str]:
        """The checklist items ticked (the form posts their positions, not their text)."""
        return [self._checklist[int(i)] for i in self.skills.data or []]
