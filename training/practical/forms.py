"""Forms of the practical pages; choices come from the context passed in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training.auth.forms import MultiCheckboxField
from training.practical.rubric import MAX_NOTES, OUTCOME_LABELS
from training.timezones import zone_choices


class WorkshopForm(FlaskForm):
    """A session of a course; times are the venue's wall-clock times."""

    title = StringField("Title", validators=[DataRequired(message="Give the session a title."), Length(max=200)])
    venue = StringField("Venue", validators=[DataRequired(message="Name the venue."), Length(max=200)])
    address = TextAreaField("Address", validators=[Optional(), Length(max=500)])
    timezone = SelectField("Venue time zone", validators=[DataRequired()],
                           description="Start and end are entered and shown in this zone.")
    starts_local = DateTimeLocalField("Starts", format="%Y-%m-%dT%H:%M",
                                      validators=[DataRequired(message="Enter a valid start date and time.")])
    ends_local = DateTimeLocalField("Ends", format="%Y-%m-%dT%H:%M",
                                    validators=[DataRequired(message="Enter a valid end date and time.")])
    capacity = IntegerField("Seats", validators=[InputRequired(message="Enter the number of seats."),
                                                 NumberRange(min=1, max=500)])
    ratio = IntegerField("Trainees per instructor (at most)", default=8,
                         validators=[InputRequired(message="Enter the ratio."), NumberRange(min=1, max=50)],
                         description="The instructor-to-trainee ratio the session must respect.")
    instructor_ids = MultiCheckboxField("Instructors present", coerce=int, choices=[])
    required_module_ids = MultiCheckboxField("Online modules to pass before booking", coerce=int, choices=[])
    submit = SubmitField("Save session")

    def __init__(self, *args, instructors, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()
        self.instructor_ids.choices = [(u.id, u.name) for u in instructors]
        self.required_module_ids.choices = [(m.id, f"Module {m.position}: {m.title}") for m in modules]


class TransferForm(FlaskForm):
    target = SelectField("Move to", coerce=int, choices=[], validators=[DataRequired(message="Choose a session.")])
    submit = SubmitField("Move my booking")

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = sessions


class AttendanceForm(FlaskForm):
    """One trainee's row on the roster."""

    check_in = TimeField("Check-in", validators=[Optional()], format="%H:%M")
    check_out = TimeField("Check-out", validators=[Optional()], format="%H:%M")
    reason = StringField("Reason for a correction", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Save")


class AssessmentForm(FlaskForm):
    """One skill: each criterion met or not yet, the outcome, notes."""

    met = MultiCheckboxField("Criteria met", choices=[])
    outcome = SelectField("Outcome", choices=list(OUTCOME_LABELS.items()), validators=[DataRequired()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=MAX_NOTES)])
    submit = SubmitField("Record assessment")

    def __init__(self, *args, skill, **kwargs):
        super().__init__(*args, **kwargs)
        self.met.choices = [(c["key"], c["text"]) for c in skill.criteria]


class SupervisedLogForm(FlaskForm):
    treated_on = DateField("Date of the treatment", validators=[DataRequired(message="Enter a valid date.")])
    setting = StringField("Setting", validators=[DataRequired(message="Enter the setting."), Length(max=120)],
                          description="E.g. outpatient clinic, sports club. No patient names.")
    region = StringField("Region or muscles treated",
                         validators=[DataRequired(message="Enter the region or muscles."), Length(max=200)],
                         description="E.g. upper trapezius, gluteus medius.")
    supervisor_email = EmailField("Supervisor's e-mail", validators=[DataRequired(message="Name your supervisor.")],
                                  description="Your supervisor needs an instructor account here.")
    no_identifiers = BooleanField("This log holds no patient identifiers (no names, dates of birth or record numbers)",
                                  validators=[DataRequired(message="Confirm that the log holds no identifiers.")])
    submit = SubmitField("Log session")


class DecisionForm(FlaskForm):
    note = StringField("Note (required to reject)", validators=[Optional(), Length(max=500)])
    countersign = SubmitField("Countersign")
    reject = SubmitField("Reject")
