"""Staff pages of the practical: scheduling sessions, the roster, assessing skills, countersigning logs."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select, true
from sqlalchemy.orm import selectinload

from modules.models import Course
from training.auth.decorators import role_required
from training.auth.models import User, UserRole
from training.extensions import db
from training.practical import attendance, rubric, supervised
from training.practical.errors import PracticalError
from training.practical.forms import AssessmentForm, AttendanceForm, DecisionForm, WorkshopForm
from training.practical.models import Seat, SeatStatus, Workshop
from training.practical.routes import bp, field_error, render_error
from training.practical.venue_time import to_local
from training.practical.workshops import WorkshopInput, may_manage, save_workshop, seat_counts

STAFF = ("instructor", "admin")


def _instructors() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == "instructor", User.active.is_(True)).order_by(User.name)
    ))


def _workshop(workshop_id: int) -> Workshop:
    workshop = db.session.scalar(
        select(Workshop).where(Workshop.id == workshop_id)
        .options(selectinload(Workshop.instructors), selectinload(Workshop.course).selectinload(Course.modules))
    )
    if workshop is None:
        abort(404)
    if not may_manage(current_user, workshop):
        abort(403)
    return workshop


@bp.route("/")
@role_required("trainee", *STAFF)
def index():
    from modules.models import Enrolment

    courses = list(db.session.scalars(
        select(Course).join(Enrolment).where(Enrolment.user_id == current_user.id).order_by(Course.title)
    )) if current_user.has_role("trainee") else []
    teaching = list(db.session.scalars(
        select(Workshop).options(selectinload(Workshop.course), selectinload(Workshop.instructors))
        .where(true() if current_user.has_role("admin") else Workshop.instructors.any(User.id == current_user.id))
        .order_by(Workshop.starts_at.desc()).limit(100)
    )) if current_user.has_role(*STAFF) else []
    staff_courses = list(db.session.scalars(select(Course).order_by(Course.title))) \
        if current_user.has_role(*STAFF) else []
    return render_template(
        "practical/index.html", courses=courses, teaching=teaching, staff_courses=staff_courses,
        counts=seat_counts([w.id for w in teaching]),
        awaiting=supervised.awaiting(current_user.id) if current_user.has_role(*STAFF) else [],
        decision=DecisionForm(),
    )


def _save(course: Course, form: WorkshopForm, workshop: Workshop | None):
    data = WorkshopInput(
        title=form.title.data, venue=form.venue.data, address=form.address.data or "",
        timezone=form.timezone.data, starts_local=form.starts_local.data, ends_local=form.ends_local.data,
        capacity=form.capacity.data, ratio=form.ratio.data, instructor_ids=form.instructor_ids.data or [],
        required_module_ids=form.required_module_ids.data or [],
    )
    return save_workshop(course, data, actor=current_user._get_current_object(), workshop=workshop)


def _edit(course: Course, workshop: Workshop | None):
    form = WorkshopForm(instructors=_instructors(), modules=course.modules, obj=None)
    if request.method == "GET":
        if workshop is not None:
            form.process(data={
                "title": workshop.title, "venue": workshop.venue, "address": workshop.address,
                "timezone": workshop.timezone, "capacity": workshop.capacity, "ratio": workshop.ratio,
                "starts_local": to_local(workshop.starts_at, workshop.timezone).replace(tzinfo=None),
                "ends_local": to_local(workshop.ends_at, workshop.timezone).replace(tzinfo=None),
                "instructor_ids": [u.id for u in workshop.instructors],
                "required_module_ids": workshop.required_module_ids,
            })
        else:
            form.timezone.data = "America/Chicago"
            form.instructor_ids.data = [current_user.id] if current_user.has_role("instructor") else []
    status = 200
    if form.validate_on_submit():
        try:
            saved = _save(course, form, workshop)
        except PracticalError as err:
            db.session.rollback()
            status = field_error(form, err)
        else:
            db.session.commit()
            flash("Session saved.", "success")
            return redirect(url_for("practical.workshop", workshop_id=saved.id))
    elif form.is_submitted():
        status = 400
    return render_template("practical/workshop_form.html", course=course, form=form, workshop=workshop), status


@bp.route("/courses/<int:course_id>/workshops/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_workshop(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _edit(course, None)


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_workshop(workshop_id: int):
    workshop = _workshop(workshop_id)
    return _edit(workshop.course, workshop)


@bp.route("/workshops/<int:workshop_id>")
@role_required(*STAFF)
def workshop(workshop_id: int):
    workshop = _workshop(workshop_id)
    seats = db.session.scalars(
        select(Seat).where(Seat.workshop_id == workshop.id).options(selectinload(Seat.user))
        .order_by(Seat.queue_number)
    ).all()
    return render_template(
        "practical/workshop.html", workshop=workshop, days=attendance.session_days(workshop),
        confirmed=[s for s in seats if s.status == SeatStatus.CONFIRMED.value],
        waiting=[s for s in seats if s.status == SeatStatus.WAITLISTED.value],
        cancelled=[s for s in seats if s.status == SeatStatus.CANCELLED.value],
    )


def _day(workshop: Workshop, raw: str) -> date:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(404)
    if day not in attendance.session_days(workshop):
        abort(404)
    return day


@bp.route("/workshops/<int:workshop_id>/attendance/<day>", methods=["GET", "POST"])
@role_required(*STAFF)
def roster(workshop_id: int, day: str):
    workshop = _workshop(workshop_id)
    the_day = _day(workshop, day)
    status, failed_for, failed_form = 200, None, None
    if request.method == "POST":
        trainee_id = request.form.get("trainee_id", type=int)
        form = AttendanceForm(prefix=f"a{trainee_id}")
        if trainee_id is None or not form.validate_on_submit():
            failed_for, failed_form, status = trainee_id, form, 400
        else:
            try:
                attendance.record_attendance(
                    workshop.id, trainee_id, the_day, check_in=form.check_in.data, check_out=form.check_out.data,
                    reason=form.reason.data or "", actor=current_user._get_current_object())
            except PracticalError as err:
                db.session.rollback()
                failed_for, failed_form = trainee_id, form
                status = field_error(form, err)
            else:
                db.session.commit()
                flash("Attendance saved.", "success")
                return redirect(url_for("practical.roster", workshop_id=workshop.id, day=day) + f"#t{trainee_id}")
    rows = attendance.roster(workshop, the_day)
    forms = {}
    for row in rows:
        if row.seat.user_id == failed_for:
            forms[row.seat.user_id] = failed_form
            continue
        form = AttendanceForm(prefix=f"a{row.seat.user_id}", formdata=None)
        if row.entry is not None:
            form.check_in.data = to_local(row.entry.check_in_at, workshop.timezone).time() \
                if row.entry.check_in_at else None
            form.check_out.data = to_local(row.entry.check_out_at, workshop.timezone).time() \
                if row.entry.check_out_at else None
        forms[row.seat.user_id] = form
    if failed_for is not None and failed_for not in forms:
        flash("That trainee is not registered for this session.", "danger")
        status = 409 if status == 400 else status
    return render_template("practical/roster.html", workshop=workshop, day=the_day, rows=rows, forms=forms,
                           days=attendance.session_days(workshop)), status


@bp.route("/workshops/<int:workshop_id>/trainees/<int:user_id>/assess", methods=["GET", "POST"])
@role_required(*STAFF)
def assess(workshop_id: int, user_id: int):
    workshop = _workshop(workshop_id)
    trainee = db.get_or_404(User, user_id)
    skills = rubric.course_skills(workshop.course_id)
    if not skills:
        abort(404, description="This course has no rubric yet.")
    skill = next((s for s in skills if s.id == request.args.get("skill", type=int)), skills[0])
    form = AssessmentForm(skill=skill)
    status = 200
    if form.validate_on_submit():
        try:
            rubric.assess_skill(workshop=workshop, trainee_id=trainee.id, skill_id=skill.id,
                                met={k: True for k in form.met.data or []}, outcome=form.outcome.data,
                                notes=form.notes.data or "", actor=current_user._get_current_object())
        except PracticalError as err:
            db.session.rollback()
            status = field_error(form, err)
        else:
            db.session.commit()
            flash(f"Assessment of \u201c{skill.title}\u201d recorded for {trainee.name}.", "success")
            return redirect(url_for("practical.assess", workshop_id=workshop.id, user_id=trainee.id, skill=skill.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "practical/assess.html", workshop=workshop, trainee=trainee, skill=skill, form=form,
        standings=rubric.standings(workshop.course_id, trainee.id), labels=rubric.OUTCOME_LABELS,
        history=[a for a in rubric.assessment_history(trainee.id, [workshop.course_id]) if a.skill_id == skill.id],
    ), status


@bp.route("/supervised/<int:log_id>/decide", methods=["POST"])
@role_required(*STAFF)
def decide(log_id: int):
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        log = supervised.decide(log_id, actor=current_user._get_current_object(),
                                countersign=bool(form.countersign.data), note=form.note.data or "")
    except PracticalError as err:
        db.session.rollback()
        return render_error(err)
    db.session.commit()
    flash(f"Session {log.status}.", "success")
    return redirect(url_for("practical.index"))
