"""Login, logout, registration and the user's own account pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from training.auth.decorators import login_required_any, public
from training.auth.forms import ChangePasswordForm, LoginForm, ProfileForm, RegistrationForm
from training.auth.services import (
    AccountError,
    Registration,
    authenticate,
    change_password,
    end_sessions,
    normalize_email,
    register_trainee,
    update_profile,
)
from training.auth.urls import safe_next_url
from training.extensions import db, limiter
from training.forms import ActionForm, show_error

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Email or password is not correct."


def _login_account_key() -> str:
    return "login-account:" + normalize_email(request.form.get("email", ""))


def _limit(name: str):
    return lambda: current_app.config[name]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_ACCOUNT"), key_func=_login_account_key, methods=["POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is None:
            flash(LOGIN_FAILED, "danger")
            return render_template("auth/login.html", form=form), 401
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
            user = register_trainee(
                Registration(
                    email=form.email.data,
                    name=form.name.data,
                    password=form.password.data,
                    profession=form.profession.data,
                    license_number=form.license_number.data,
                    license_state=form.license_state.data,
                )
            )
        except AccountError as err:
            db.session.rollback()
            show_error(form, err, default="email")
        else:
            db.session.commit()
            _start_session(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("site.home"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required_any
def profile():
    form = ProfileForm(obj=current_user, require_license=current_user.has_role("trainee"))
    if form.validate_on_submit():
        update_profile(current_user, form.profile_values())
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
