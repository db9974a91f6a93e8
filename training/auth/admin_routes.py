"""Admin pages: list, create, deactivate users and change their roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from training.auth.decorators import role_required
from training.auth.forms import ActiveForm, AdminCreateUserForm, RolesForm
from training.auth.models import User
from training.auth.recovery import send_verification
from training.auth.services import AccountError, create_user, set_active, set_roles
from training.confirm import Confirmation, confirm_page
from training.database import paginate
from training.extensions import db
from training.forms import ActionForm, show_error

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.route("/users")
@role_required("admin")
def users():
    query = request.args.get("q", "").strip()[:100]
    stmt = select(User).order_by(User.name, User.id)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(User.email.like(like), User.name.ilike(like)))
    page = paginate(stmt, per_page=PAGE_SIZE)
    return render_template("admin/users.html", page=page, query=query)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def create():
    form = AdminCreateUserForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                roles=set(form.roles.data),
                profession=form.profession.data or None,
                license_number=form.license_number.data,
                license_state=form.license_state.data,
                verified=False,
                via="admin",
                by=current_user,
            )
            send_verification(user, reason="created-by-admin")
        except AccountError as err:
            db.session.rollback()
            show_error(form, err, default="email")
        else:
            db.session.commit()
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/create_user.html", form=form), 400 if form.errors else 200


@bp.route("/users/<int:user_id>")
@role_required("admin")
def user(user_id: int):
    target = db.get_or_404(User, user_id)
    roles_form = RolesForm(roles=sorted(target.roles))
    active_form = ActiveForm(active=not target.active)
    return render_template("admin/user.html", target=target, roles_form=roles_form, active_form=active_form,
                           resend_form=ActionForm())


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@role_required("admin")
def update_roles(user_id: int):
    target = db.get_or_404(User, user_id)
    form = RolesForm()
    if form.validate_on_submit():
        try:
            set_roles(target, set(form.roles.data), by=current_user)
        except AccountError as err:
            db.session.rollback()
            show_error(form, err, default="roles")
        else:
            db.session.commit()
            flash("Roles saved.", "success")
            return redirect(url_for("admin.user", user_id=target.id))
    return render_template(
        "admin/user.html", target=target, roles_form=form, active_form=ActiveForm(active=not target.active),
        resend_form=ActionForm(),
    ), 400


@bp.route("/users/<int:user_id>/active/confirm")
@role_required("admin")
def confirm_deactivate(user_id: int):
    target = db.get_or_404(User, user_id)
    if not target.active:
        return redirect(url_for("admin.user", user_id=target.id))
    return confirm_page(Confirmation(
        heading=f"Deactivate the account of {target.name}?",
        consequences=[f"{target.name} ({target.email}) is logged out on every device at once and cannot log in.",
                      "Their courses, attempts, certificates and records are kept; certificates stay valid.",
                      "You can reactivate the account later; the change is recorded in the audit log."],
        button="Deactivate account", action_url=url_for("admin.update_active", user_id=target.id),
        cancel_url=url_for("admin.user", user_id=target.id), hidden={"active": ""},
    ), ActiveForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def update_active(user_id: int):
    target = db.get_or_404(User, user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_active(target, form.active.data, by=current_user)
    except AccountError as err:
        db.session.rollback()
        flash(str(err), "danger")
        return redirect(url_for("admin.user", user_id=target.id))
    db.session.commit()
    flash("Account activated." if target.active else "Account deactivated; its sessions have ended.", "success")
    return redirect(url_for("admin.user", user_id=target.id))
