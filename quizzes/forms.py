"""Quiz forms: taking (CSRF only, fields built per attempt), settings, questions, GIFT upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from quizzes.options import GradingMethod, ReviewPolicy, choices
from training.auth.forms import MultiCheckboxField
from training.forms import BoundedIntegerField
from training.validators import finite_number


class AttemptForm(FlaskForm):
    """Carries the CSRF token; the answer fields are named q<question id> in the template."""

    save = SubmitField("Save answers")
    #: saves, then shows the summary of answered and unanswered questions before the final submission
    review = SubmitField("Review and submit")
    submit = SubmitField("Submit attempt")


class QuizSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    pass_mark = BoundedIntegerField("Pass mark (%)", validators=[DataRequired(), NumberRange(min=1, max=100)])
    attempts_allowed = BoundedIntegerField(
        "Attempts allowed", validators=[Optional(), NumberRange(min=1, max=100)],
        description="Leave empty for unlimited attempts.",
    )
    grading_method = SelectField(
        "Grade", choices=choices(GradingMethod)
    )
    time_limit_minutes = BoundedIntegerField(
        "Time limit (minutes)", validators=[Optional(), NumberRange(min=1, max=600)],
        description="Leave empty for no time limit.",
    )
    shuffle_questions = BooleanField("Shuffle questions")
    shuffle_choices = BooleanField("Shuffle choices")
    draw_count = BoundedIntegerField(
        "Questions drawn per attempt", validators=[Optional(), NumberRange(min=1, max=500)],
        description="Drawn at random from the module's pool; empty means every question.",
    )
    per_objective = BoundedIntegerField(
        "Questions per objective", validators=[Optional(), NumberRange(min=1, max=20)],
        description="Every attempt draws this many questions on each objective. Leave empty to draw at random.",
    )
    blueprint = TextAreaField(
        "Blueprint", validators=[Optional(), Length(max=5_000)],
        description="Instead of the same number for every objective: one line per objective, "
                    "'objective id: count' (for example 'o1: 2').",
    )
    review_policy = SelectField(
        "Show correct answers",
        choices=choices(ReviewPolicy),
    )
    submit = SubmitField("Save settings")


class ChoiceRow(Form):
    id = HiddenField()
    text = StringField("Text", validators=[Optional(), Length(max=2000)])
    percent = DecimalField("Weight %", places=3, validators=[finite_number, Optional(), NumberRange(min=-100, max=100)])
    feedback = StringField("Feedback", validators=[Optional(), Length(max=2000)])


class NumericRow(Form):
    value = FloatField("Value", validators=[finite_number, Optional()])
    tolerance = FloatField("± tolerance", validators=[finite_number, Optional(), NumberRange(min=0)])
    low = FloatField("or from", validators=[finite_number, Optional()])
    high = FloatField("to", validators=[finite_number, Optional()])
    percent = DecimalField("Weight %", places=3, validators=[finite_number, Optional(), NumberRange(min=0, max=100)])
    feedback = StringField("Feedback", validators=[Optional(), Length(max=2000)])


class PairRow(Form):
    id = HiddenField()
    prompt = StringField("Item", validators=[Optional(), Length(max=500)])
    answer = StringField("Matches", validators=[Optional(), Length(max=500)])


class QuestionForm(FlaskForm):
    title = StringField("Title", validators=[Optional(), Length(max=200)])
    prompt = TextAreaField("Question (Markdown)", validators=[DataRequired(), Length(max=20_000)])
    points = FloatField(
        "Points", default=1.0, validators=[finite_number, DataRequired(), NumberRange(min=0.01, max=100)]
    )
    general_feedback = TextAreaField("General feedback", validators=[Optional(), Length(max=5_000)])
    #: only used by true/false questions, so other types may leave it out of the form
    truth = SelectField("The statement is", choices=[("true", "True"), ("false", "False")], validate_choice=False)
    choices = FieldList(FormField(ChoiceRow), min_entries=6, max_entries=20)
    numeric = FieldList(FormField(NumericRow), min_entries=3, max_entries=10)
    pairs = FieldList(FormField(PairRow), min_entries=6, max_entries=20)
    #: hotspot only: the chart (a library file name), how many markers, the zones as JSON
    image = SelectField("Body chart or image", choices=[], validate_choice=False)
    max_marks = BoundedIntegerField("Markers the trainee may place", default=1,
                             validators=[Optional(), NumberRange(min=1, max=20)])
    zones = TextAreaField(
        "Zones (JSON)", validators=[Optional(), Length(max=50_000)],
        description="Drawn on the image above, or typed: a list of circles "
                    '{"label", "weight", "shape": "circle", "cx", "cy", "r"} and polygons '
                    '{"label", "weight", "shape": "polygon", "points": [[x, y], ...]} in percent of the image.',
    )
    objectives = MultiCheckboxField("Objectives examined", choices=[], validate_choice=False)
    submit = SubmitField("Save question")


class GiftUploadForm(FlaskForm):
    file = FileField("GIFT file (.gift or .txt, UTF-8)", validators=[FileRequired("Choose a file to import.")])
    submit = SubmitField("Import")
