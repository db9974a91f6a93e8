"""Pages behind the emailed links: confirm an address, reset a password, change the email.

Following a link only shows a page; the change happens when its button is pressed (a POST
with a CSRF token), so mail scanners that open links change nothing.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from training.auth import recovery
from training.auth.decorators import login_required_any, public, role_required
from training.auth.forms import ChangeEmailForm, ForgotPasswordForm, ResendVerificationForm, ResetPasswordForm
from training.auth.models import User
from training.auth.passwords import verify_password
from training.auth.services import AccountError
from training.auth.tokens import InvalidLink
from training.extensions import db, limiter
from training.forms import ActionForm, show_error

bp = Blueprint("account", __name__)

INVALID_LINK = ("This link is not valid any more: it was already used, it expired, or a newer one replaced it. "
                "Ask for a new one below.")
SENT = "Check your inbox: if the address belongs to an account, a message is on its way."


def _verify_limit():
    return current_app.config["VERIFY_LIMIT"]


@bp.route("/register/check-inbox")
@public
def check_inbox():
    return render_template("account/check_inbox.html")


@bp.route("/email/verify/<token>", methods=["GET", "POST"])
@public
def verify_email(token: str):
    form = ActionForm()
    if form.validate_on_submit():
        try:
            recovery.verify_email(token)
        except InvalidLink:
            db.session.rollback()
            return render_template("account/link_invalid.html", form=ResendVerificationForm(),
                                   action="account.resend_verification"), 400
        db.session.commit()
        flash("Thank you: your email address is confirmed. You can log in now.", "success")
        return redirect(url_for("auth.login"))
    return render_template("account/verify.html", form=form)


@bp.route("/email/verify/resend", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"])
@public
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit():
        recovery.resend_verification(form.email.data)
        db.session.commit()
        flash(SENT, "info")
        return redirect(url_for("account.check_inbox"))
    return render_template("account/resend.html", form=form), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data)
        db.session.commit()
        flash(SENT, "info")
        return redirect(url_for("account.check_inbox"))
    return render_template("account/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        recovery.check_reset_link(token)
    except InvalidLink:
        return render_template("account/link_invalid.html", form=ForgotPasswordForm(),
                               action="account.forgot_password"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = recovery.reset_password(token, form.password.data)
        except AccountError as err:
            db.session.rollback()
            form.password.errors.append(str(err))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            session.permanent = True
            flash("Your password is changed and every other session is logged out.", "success")
            return redirect(url_for("site.home"))
    return render_template("account/reset.html", form=form), 400 if form.errors else 200


@bp.route("/account/email", methods=["GET", "POST"])
@login_required_any
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct.")
        else:
            try:
                recovery.request_email_change(current_user, form.email.data)
            except AccountError as err:
                db.session.rollback()
                show_error(form, err, default="email")
            else:
                db.session.commit()
                flash(f"We sent a confirmation link to {form.email.data}. Your address changes once you open it.",
                      "info")
                return redirect(url_for("auth.profile"))
    return render_template("account/change_email.html", form=form), 400 if form.errors else 200


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email_change(token: str):
    form = ActionForm()
    if form.validate_on_submit():
        try:
            recovery.confirm_email_change(token)
        except InvalidLink:
            db.session.rollback()
            return render_template("account/link_invalid.html", form=None, action=None), 400
        except AccountError as err:
            db.session.rollback()
            return render_template("account/link_invalid.html", form=None, action=None, reason=str(err)), 400
        db.session.commit()
        flash("Your new email address is confirmed and in use.", "success")
        return redirect(url_for("auth.profile") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("account/confirm_email.html", form=form)


@bp.route("/admin/users/<int:user_id>/resend-verification", methods=["POST"])
@role_required("admin")
def admin_resend_verification(user_id: int):
    target = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        flash("The form expired; please try again.", "danger")
    elif target.email_verified:
        flash(f"{target.email} is already confirmed.", "info")
    else:
        recovery.resend_verification(target.email, by=current_user)
        db.session.commit()
        flash(f"A new confirmation link was sent to {target.email}.", "success")
    return redirect(url_for("admin.user", user_id=target.id))
