"""A person's mail preferences: optional kinds on or off, required kinds with their reason."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.auth.decorators import login_required_any
from training.extensions import db
from training.notifications.forms import chosen, preferences_form
from training.notifications.kinds import OPTIONAL_KINDS, REQUIRED_KINDS
from training.notifications.services import preferences_of, set_preferences

bp = Blueprint("notifications", __name__)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required_any
def preferences():
    user = current_user._get_current_object()
    form = preferences_form(preferences_of(user), submitted=request.method == "POST")
    if form.validate_on_submit():
        set_preferences(user, chosen(form))
        db.session.commit()
        flash("Mail preferences saved.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, optional=OPTIONAL_KINDS,
                           required=REQUIRED_KINDS), 400 if form.errors else 200
