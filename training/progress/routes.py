"""Trainee dashboard, instructors' cohort views and practical sign-offs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from modules.services import find_enrolment
from training.auth.decorators import role_required
from training.auth.models import User
from training.extensions import db
from training.forms import show_error
from training.progress import services
from training.progress.cohort import STATUSES, course_overview, load_cohort, load_course
from training.progress.engine import course_progress
from training.progress.forms import SignOffForm

bp = Blueprint("progress", __name__)


@bp.route("/dashboard")
@role_required("trainee")
def dashboard():
    return render_template("progress/dashboard.html", items=services.dashboard(current_user),
                           labels=services.STATUS_LABELS)


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


@bp.route("/cohorts/<int:course_id>/trainees/<int:user_id>/signoff", methods=["GET", "POST"])
@role_required("instructor")
def signoff(course_id: int, user_id: int):
    course = load_course(course_id) or abort(404)
    trainee = db.get_or_404(User, user_id)
    enrolment = find_enrolment(trainee.id, course.id)
    if enrolment is None:
        abort(404, description=f"{trainee.name} is not enrolled in {course.title}.")
    form = SignOffForm(checklist=course.signoff_checklist or [])
    if form.validate_on_submit():
        try:
            services.record_signoff(
                instructor=current_user._get_current_object(), trainee=trainee, course=course,
                evaluated_on=form.evaluated_on.data, hours=form.hours.data,
                skills=form.checked_skills(), outcome=form.outcome.data,
                notes=form.notes.data or "",
            )
        except services.SignOffError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            db.session.commit()
            flash(f"Sign-off recorded for {trainee.name}.", "success")
            return redirect(url_for("progress.cohort", course_id=course.id))
    progress = course_progress(course, trainee.id)
    return render_template(
        "progress/signoff.html", course=course, trainee=trainee, progress=progress,
        status=progress.status(enrolment.completed_at), form=form,
        history=services.signoff_history(trainee.id, course.id), outcomes=services.OUTCOMES,
        labels=services.STATUS_LABELS,
    ), 400 if (form.errors or form.form_errors) else 200
