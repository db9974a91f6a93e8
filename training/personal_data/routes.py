"""Your data: a readable page, a JSON download, and erasure on request."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from training.auth.decorators import login_required_any
from training.auth.passwords import verify_password
from training.extensions import db
from training.personal_data.erasure import ErasureRefused, erase_account, held_course_ids
from training.personal_data.export import collect_personal_data
from training.personal_data.forms import ErasureForm

bp = Blueprint("personal_data", __name__, url_prefix="/account/data")


@bp.route("")
@login_required_any
def overview():
    data = collect_personal_data(current_user._get_current_object())
    return render_template("personal_data/overview.html", data=data)


@bp.route("/download.json")
@login_required_any
def download():
    data = collect_personal_data(current_user._get_current_object())
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="my-data-{current_user.id}.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/erase", methods=["GET", "POST"])
@login_required_any
def erase():
    user = current_user._get_current_object()
    form = ErasureForm()
    held, certificates = held_course_ids(user)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct.")
        else:
            try:
                erase_account(user, requested_by=user)
            except ErasureRefused as err:
                db.session.rollback()
                form.confirm.errors.append(str(err))
            else:
                db.session.commit()
                logout_user()
                session.clear()
                flash("Your data is erased. CE records that must be kept are held as the page explained.", "info")
                return redirect(url_for("site.home"))
    return render_template("personal_data/erase.html", form=form, certificates=certificates,
                           years=current_app.config["CE_RECORD_RETENTION_YEARS"]), 400 if form.errors else 200
