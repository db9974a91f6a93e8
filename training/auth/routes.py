"""Login, logout, registration and the user's own account pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from training.auth.decorators import login_required_any, public
from training.auth.forms import ChangePasswordForm, LoginForm, ProfileForm, RegistrationForm
from training.auth.recovery import register as register_account
from training.auth.services import (
    AccountError,
    authenticate,
    change_password,
    end_sessions,
    update_profile,
)
from training.auth.throttle_login import check_login_allowed, too_many_attempts
from training.auth.urls import safe_next_url
from training.extensions import db
from training.forms import ActionForm, show_error

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Email or password is not correct."


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    if request.method == "POST" and current_app.config["RATELIMIT_ENABLED"]:
        verdict = check_login_allowed(request.form.get("email", ""), request.remote_addr or "")
        if not verdict.allowed:
            return too_many_attempts(form, verdict)
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is None:
            flash(LOGIN_FAILED, "danger")
            return render_template("auth/login.html", form=form), 401
        if not user.email_verified:
            return render_template("auth/unverified.html", email=user.email, form=ActionForm()), 403
        _start_session(user)
        return redirect(safe_next_url(request.args.get("next")) or url_for("site.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required_any
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        end_sessions(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            register_account({
                **form.name_values(),
                "email": form.email.data,
                "password": form.password.data,
                "profession": form.profession.data,
                "license_number": form.license_number.data,
                "license_state": form.license_state.data,
            })
        except AccountError as err:
            db.session.rollback()
            show_error(form, err, default="email")
        else:
            db.session.commit()
            # the same answer whether or not the address already had an account
            return redirect(url_for("account.check_inbox"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required_any
def profile():
    form = ProfileForm(obj=current_user, require_license=current_user.has_role("trainee"))
    if form.validate_on_submit():
        update_profile(current_user, form.profile_values(current_user))
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form), 400 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required_any
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except AccountError as err:
            db.session.rollback()
            show_error(form, err, default="password")
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash("Password changed. Other sessions have been logged out.", "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


def _start_session(user) -> None:
    """A fresh session at every login (no fixation), with the user's current version."""
    session.clear()
    login_user(user)
    session.permanent = True
