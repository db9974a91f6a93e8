"""Forms for reading (enrol, complete) and authoring (courses, modules, lessons)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from training.auth.forms import MultiCheckboxField
from training.forms import BoundedIntegerField
from training.validators import finite_number


def unix_newlines(text: str | None) -> str | None:
    """Browsers send textarea line ends as CRLF; store LF so an unchanged save changes nothing."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if isinstance(text, str) else text


SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lower-case letters, digits and single hyphens."
)


class LinesField(TextAreaField):
    """A list edited one item per line: a stored list (from ``obj=``) is shown one item per line,
    and a submitted form that leaves the field out keeps it, never a Python list's repr."""

    def process_data(self, value):
        super().process_data("\n".join(map(str, value)) if isinstance(value, list | tuple) else value)


class CourseForm(FlaskForm):
    code = StringField("Course code", validators=[DataRequired(), Length(max=20)])
    slug = StringField("Slug (web address)", validators=[DataRequired(), Length(max=80), SLUG])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        "Summary (Markdown)", filters=[unix_newlines], validators=[Optional(), Length(max=20_000)],
        render_kw={"rows": 6},
    )
    provider = StringField("Provider", validators=[DataRequired(), Length(max=200)])
    approval_number = StringField(
        "Provider approval number", validators=[Optional(), Length(max=80)]
    )
    practical_hours = DecimalField(
        "In-person practical hours", places=2,
        validators=[finite_number, InputRequired(), NumberRange(min=0, max=500)],
    )
    requires_signoff = BooleanField("Requires an instructor's practical sign-off")
    seat_time_percent = BoundedIntegerField(
        "Seat time before a lesson can be completed (% of its stated minutes)", default=50,
        validators=[Optional(),
                    NumberRange(min=0, max=100, message="Enter a percentage from 0 to 100.")],
        description="Measured active reading time a trainee needs on each lesson (left empty: "
                    "50); 0 turns the rule off. Trainees see how many minutes are left.",
    )
    signoff_checklist = LinesField(
        "Sign-off checklist (one skill per line)", filters=[unix_newlines], validators=[Optional(), Length(max=5_000)]
    )
    prerequisites = LinesField(
        "Prerequisites (one per line)", filters=[unix_newlines], validators=[Optional(), Length(max=5_000)],
        description="Shown on the public course page: who may enrol and what the course assumes.",
    )
    submit = SubmitField("Save course")


class ModuleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Slug", validators=[DataRequired(), Length(max=80), SLUG])
    objectives = LinesField(
        "Learning objectives (one per line)", filters=[unix_newlines], validators=[Optional(), Length(max=5_000)],
        render_kw={"rows": 5},
        description="Questions and blueprints name objectives by id: o1, o2... by position, or an id "
                    "you give at the start of the line, as in '[pleura] Protect the pleura'.",
    )
    intro = TextAreaField(
        "Introduction (Markdown)", filters=[unix_newlines], validators=[Optional(), Length(max=20_000)],
        render_kw={"rows": 4},
    )
    published = BooleanField("Published", default=True)
    submit = SubmitField("Save module")


class LessonForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Slug", validators=[DataRequired(), Length(max=80), SLUG])
    minutes = BoundedIntegerField(
        "Estimated minutes", validators=[InputRequired(), NumberRange(min=1, max=600)]
    )
    body = TextAreaField(
        "Lesson (Markdown)", filters=[unix_newlines],
        validators=[DataRequired(message="The lesson body cannot be empty."), Length(max=200_000)],
        description="Use ::: warning ... ::: for a safety callout, "
        "::: note ... ::: for a side note.",
        render_kw={"rows": 20},
    )
    published = BooleanField("Published", default=True)
    #: choices are the module's objectives, set per request
    objectives = MultiCheckboxField(
        "Objectives taught", choices=[],
        description="A quiz review links each question to the lessons teaching an objective it examines.",
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Save lesson")


class MoveForm(FlaskForm):
    """Range checked by ``services.place``, which knows how many siblings there are."""

    position = BoundedIntegerField("Position", validators=[InputRequired(message="Give a position.")])
    submit = SubmitField("Move")


def lines(text: str | None) -> list[str]:
    """One item per non-blank line (objectives, checklist skills)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
