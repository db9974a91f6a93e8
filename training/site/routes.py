"""The home page (a dashboard for each role) and the load balancer's health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from training.auth.decorators import public
from training.extensions import db, limiter

bp = Blueprint("site", __name__)


@bp.route("/")
@public
def home():
    return render_template("site/home.html")


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
