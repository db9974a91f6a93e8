"""Confirming an erasure: the password, and the word typed out."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired


class ErasureForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired()])
    confirm = StringField(
        "Type ERASE to confirm", validators=[InputRequired(), AnyOf(["ERASE"], message="Type ERASE in capitals.")]
    )
    submit = SubmitField("Erase my data")
