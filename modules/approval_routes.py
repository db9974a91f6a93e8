"""Staff record the approvals boards gave a course (audited; never deleted)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from modules.approval_forms import ApprovalForm
from modules.approval_services import ApprovalError, ApprovalValues, approvals_of, parse_subject_areas, save_approval
from modules.approvals import CourseApproval
from modules.models import Course
from training.auth.decorators import role_required
from training.extensions import db
from training.forms import show_error

bp = Blueprint("approvals", __name__, url_prefix="/author/courses/<int:course_id>/approvals")

STAFF = ("instructor", "admin")


def _page(course: Course, form: ApprovalForm, approval: CourseApproval | None, status: int = 200):
    return render_template("authoring/approvals.html", course=course, form=form, approval=approval,
                           approvals=approvals_of(course.id)), status


def _save(course: Course, approval: CourseApproval | None):
    form = ApprovalForm()
    if request.method == "GET" and approval is not None:
        form = ApprovalForm(obj=approval)
        form.subject_areas.data = "\n".join(f"{a['area']}: {a['hours']}" for a in approval.subject_areas)
    if not form.validate_on_submit():
        return _page(course, form, approval, 400 if form.errors else 200)
    try:
        values = ApprovalValues(
            board=form.board.data.strip(), jurisdiction=form.jurisdiction.data,
            provider_number=(form.provider_number.data or "").strip(),
            approval_number=form.approval_number.data.strip(), hours_approved=form.hours_approved.data,
            subject_areas=parse_subject_areas(form.subject_areas.data, form.hours_approved.data),
            valid_from=form.valid_from.data, valid_to=form.valid_to.data,
        )
        save_approval(course, values, by=current_user._get_current_object(), approval=approval)
    except ApprovalError as err:
        db.session.rollback()
        show_error(form, err, default="board")
        return _page(course, form, approval, 400)
    db.session.commit()
    flash("Approval saved.", "success")
    return redirect(url_for("approvals.index", course_id=course.id))


@bp.route("", methods=["GET", "POST"])
@role_required(*STAFF)
def index(course_id: int):
    return _save(db.get_or_404(Course, course_id), None)


@bp.route("/<int:approval_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(course_id: int, approval_id: int):
    course = db.get_or_404(Course, course_id)
    approval = db.session.get(CourseApproval, approval_id)
    if approval is None or approval.course_id != course.id:
        abort(404)
    return _save(course, approval)
