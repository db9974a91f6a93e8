"""Instructors and admins set a trainee's extra time on timed quizzes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from quizzes.accommodations import MULTIPLIERS, AccommodationError, set_accommodation
from quizzes.models import TimeAccommodation
from training.auth.decorators import role_required
from training.auth.services import find_user_by_email
from training.extensions import db
from training.forms import show_error

bp = Blueprint("accommodations", __name__, url_prefix="/author/accommodations")


class AccommodationForm(FlaskForm):
    email = StringField("Trainee's email", validators=[DataRequired(), Email(), Length(max=254)])
    multiplier = SelectField(
        "Time on timed quizzes",
        choices=[(f"{m:g}", f"{m:g}x" + (" (standard time)" if m == 1 else "")) for m in MULTIPLIERS],
    )
    note = StringField(
        "Reason", validators=[Length(max=300)],
        description="Shown to the trainee and kept in the audit log, e.g. 'documented reading accommodation'.",
    )
    submit = SubmitField("Save")


@bp.route("/", methods=["GET", "POST"])
@role_required("instructor", "admin")
def index():
    form = AccommodationForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None or not user.has_role("trainee"):
            form.email.errors.append("No trainee has this email address.")
        else:
            try:
                set_accommodation(user, float(form.multiplier.data), form.note.data, current_user)
            except AccommodationError as err:
                db.session.rollback()
                show_error(form, err)
            else:
                db.session.commit()
                flash(f"Time accommodation for {user.name} saved; it applies to attempts started from now on.",
                      "success")
                return redirect(url_for("accommodations.index"), 303)
    rows = db.session.scalars(
        select(TimeAccommodation).options(selectinload(TimeAccommodation.user)).order_by(TimeAccommodation.set_at.desc())
    ).all()
    return render_template("quizzes/accommodations.html", form=form, rows=rows), (400 if form.errors else 200)
