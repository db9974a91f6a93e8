"""The mail preferences form: one checkbox per optional kind."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from training.notifications.kinds import OPTIONAL_KINDS


def preferences_form(current: dict[str, bool], formdata=None):
    """A form with a checkbox for each optional kind, checked as ``current`` says."""

    class PreferencesForm(FlaskForm):
        submit = SubmitField("Save mail preferences")

    for name, kind in OPTIONAL_KINDS.items():
        setattr(PreferencesForm, f"kind_{name}", BooleanField(kind.label, description=kind.description))
    data = {f"kind_{name}": enabled for name, enabled in current.items()}
    return PreferencesForm(data=data) if formdata is None else PreferencesForm()


def chosen(form) -> dict[str, bool]:
    return {name: bool(getattr(form, f"kind_{name}").data) for name in OPTIONAL_KINDS}
