"""The mail preferences form: one checkbox per optional kind."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from training.notifications.kinds import OPTIONAL_KINDS


def preferences_form(current: dict[str, bool], *, submitted: bool):
    """A form with a checkbox for each optional kind: the posted choices, or ``current`` to show."""

    class PreferencesForm(FlaskForm):
        submit = SubmitField("Save mail preferences")

    for name, kind in OPTIONAL_KINDS.items():
        setattr(PreferencesForm, f"kind_{name}", BooleanField(kind.label, description=kind.description))
    data = {f"kind_{name}": enabled for name, enabled in current.items()}
    return PreferencesForm() if submitted else PreferencesForm(data=data)


def chosen(form) -> dict[str, bool]:
    return {name: bool(getattr(form, f"kind_{name}").data) for name in OPTIONAL_KINDS}
