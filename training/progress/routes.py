"""Trainee dashboard and instructors' cohort views."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from training.auth.decorators import role_required
from training.practical.seats import promoted_seats
from training.progress import services
from training.progress.cohort import STATUSES, course_overview, load_cohort, load_course

bp = Blueprint("progress", __name__)


@bp.route("/dashboard")
@role_required("trainee")
def dashboard():
    return render_template("progress/dashboard.html", items=services.dashboard(current_user),
                           labels=services.STATUS_LABELS, promoted=promoted_seats(current_user.id))


@bp.route("/cohorts")
@role_required("instructor")
def cohorts():
    return render_template("progress/cohorts.html", overview=course_overview())


def _filters(module_count: int) -> tuple[str | None, int | None]:
    """Status and module filters from the query string; anything unknown means "all"."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else None
    raw = request.args.get("module", "")
    module = int(raw) if raw.isascii() and raw.isdigit() and int(raw) <= module_count else None
    return status, module


@bp.route("/cohorts/<int:course_id>")
@role_required("instructor")
def cohort(course_id: int):
    course = load_course(course_id) or abort(404)
    cohort = load_cohort(course)
    status, module = _filters(len(cohort.modules))
    return render_template(
        "progress/cohort.html", cohort=cohort, rows=cohort.filtered(status, module),
        status=status, module=module, statuses=STATUSES, labels=services.STATUS_LABELS,
    )
