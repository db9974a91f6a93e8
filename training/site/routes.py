"""The home page (a dashboard for each role) and the load balancer's health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select, text

from modules.models import Course
from training.auth.decorators import public
from training.extensions import db, limiter

bp = Blueprint("site", __name__)

#: where each role starts after logging in, first match wins (a trainee's dashboard first)
HOME_BY_ROLE = [
    ("trainee", "progress.dashboard"),
    ("instructor", "progress.cohorts"),
    ("auditor", "records.certificates"),
    ("admin", "admin.users"),
]


@bp.route("/")
@public
def home():
    """Visitors see the front door; a logged-in user goes straight to their own dashboard."""
    if current_user.is_authenticated:
        for role, endpoint in HOME_BY_ROLE:
            if current_user.has_role(role) and endpoint in current_app.view_functions:
                return redirect(url_for(endpoint))
        return render_template("site/home.html", courses=[])
    courses = db.session.scalars(select(Course).where(Course.published).order_by(Course.title)).all()
    return render_template("site/home.html", courses=courses)


@bp.route("/healthz")
@limiter.exempt
@public
def healthz():
    """200 when the app can reach its database, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means this worker cannot serve
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
