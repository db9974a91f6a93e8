"""Trainee pages of the practical: sessions to book, bookings, calendar files, skills, supervised logs.

Staff pages (scheduling, roster, assessment, countersigning) are in ``staff_routes``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.models import Course, Module
from modules.services import find_enrolment
from training.auth.decorators import role_required
from training.extensions import db
from training.forms import ActionForm, show_error
from training.practical import rubric, seats, supervised
from training.practical.errors import PracticalError
from training.practical.forms import SupervisedLogForm, TransferForm
from training.practical.ics import seat_calendar
from training.practical.models import Seat
from training.practical.prerequisites import missing_by_workshop
from training.practical.providers import practical_steps
from training.practical.venue_time import to_local
from training.practical.workshops import seat_counts, upcoming_for_courses

bp = Blueprint("practical", __name__, url_prefix="/practical")


@bp.app_template_filter("venue_time")
def venue_time(utc, zone_name: str, fmt: str = "%a %-d %b %Y, %H:%M") -> str:
    """A stored UTC time as the venue's wall-clock time, with the zone's abbreviation."""
    local = to_local(utc, zone_name)
    return f"{local.strftime(fmt)} {local.tzname()}"


def field_error(form, err: PracticalError) -> int:
    """Put the message next to its field (or above the form); the 4xx status to answer with."""
    if form is not None:
        show_error(form, err)
    return err.status


def _my_course(course_id: int) -> Course:
    """The course with its modules and lessons (the step providers read them), if enrolled."""
    course = db.session.scalar(
        select(Course).where(Course.id == course_id)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )
    if course is None or find_enrolment(current_user.id, course.id) is None:
        abort(404)
    return course


@bp.route("/courses/<int:course_id>/sessions")
@role_required("trainee")
def sessions(course_id: int):
    course = _my_course(course_id)
    workshops = upcoming_for_courses([course.id])
    mine = {s.workshop_id: s for s in seats.seats_of(current_user.id, [course.id])}
    places = seats.waitlist_places(mine.values())
    return render_template(
        "practical/sessions.html", course=course, workshops=workshops, mine=mine,
        counts=seat_counts([w.id for w in workshops]), places={i: places.get(s.id) for i, s in mine.items()},
        missing=missing_by_workshop(current_user.id, course, workshops),
        steps=practical_steps(course, current_user.id), action=ActionForm(),
        transfer_forms={s.id: TransferForm(prefix=f"t{s.id}", sessions=[
            (w.id, f"{w.title}, {venue_time(w.starts_at, w.timezone)}") for w in workshops if w.id != s.workshop_id
        ]) for s in mine.values()},
    )


def _after(seat_or_course_id: int):
    return redirect(url_for("practical.sessions", course_id=seat_or_course_id))


@bp.route("/workshops/<int:workshop_id>/register", methods=["POST"])
@role_required("trainee")
def register(workshop_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        seat = seats.register(current_user._get_current_object(), workshop_id)
    except PracticalError as err:
        db.session.rollback()
        return render_error(err)
    db.session.commit()
    if seat.status == "confirmed":
        flash("Your seat is confirmed. Add the session to your calendar below.", "success")
    else:
        flash(f"The session is full: you are number {seats.waitlist_place(seat)} on the waitlist. "
              "You get the seat automatically if one frees up.", "info")
    return _after(seat.workshop.course_id)


def render_error(err: PracticalError):
    return render_template("errors/error.html", status=err.status, message=str(err)), err.status


@bp.route("/seats/<int:seat_id>/cancel", methods=["POST"])
@role_required("trainee")
def cancel(seat_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        seat = seats.cancel(seat_id, current_user._get_current_object())
    except PracticalError as err:
        db.session.rollback()
        return render_error(err)
    db.session.commit()
    flash("Your booking is cancelled.", "success")
    return _after(seat.workshop.course_id)


@bp.route("/seats/<int:seat_id>/transfer", methods=["POST"])
@role_required("trainee")
def transfer(seat_id: int):
    seat = db.session.get(Seat, seat_id)
    if seat is None or seat.user_id != current_user.id:
        abort(404)
    course_id = seat.workshop.course_id
    form = TransferForm(prefix=f"t{seat.id}", sessions=[(w.id, w.title) for w in upcoming_for_courses([course_id])])
    if not form.validate_on_submit():
        return render_error(PracticalError("Choose another upcoming session of this course to move to."))
    try:
        new_seat = seats.transfer(seat.id, form.target.data, current_user._get_current_object())
    except PracticalError as err:
        db.session.rollback()
        return render_error(err)
    db.session.commit()
    flash("Your booking was moved" + (" and your seat is confirmed." if new_seat.status == "confirmed"
                                      else "; that session is full, so you are on its waitlist."), "success")
    return _after(course_id)


@bp.route("/seats/<int:seat_id>/calendar.ics")
@role_required("trainee", "instructor", "admin")
def calendar(seat_id: int):
    seat = db.get_or_404(Seat, seat_id)
    if seat.user_id != current_user.id and not current_user.has_role("admin"):
        abort(404)
    if seat.status == "cancelled":
        abort(404)
    host = urlsplit(request.host_url).hostname or "localhost"
    return Response(seat_calendar(seat, host=host), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="workshop-{seat.workshop_id}.ics"'})


@bp.route("/courses/<int:course_id>/skills")
@role_required("trainee")
def my_skills(course_id: int):
    course = _my_course(course_id)
    return render_template(
        "practical/my_skills.html", course=course, standings=rubric.standings(course.id, current_user.id),
        history=rubric.assessment_history(current_user.id, [course.id]), labels=rubric.OUTCOME_LABELS,
    )


@bp.route("/courses/<int:course_id>/supervised", methods=["GET", "POST"])
@role_required("trainee")
def my_logs(course_id: int):
    course = _my_course(course_id)
    form = SupervisedLogForm()
    status = 200
    if form.validate_on_submit():
        try:
            supervised.log_session(trainee=current_user._get_current_object(), course=course,
                                   treated_on=form.treated_on.data, setting=form.setting.data,
                                   region=form.region.data, supervisor_email=form.supervisor_email.data)
        except PracticalError as err:
            db.session.rollback()
            status = field_error(form, err)
        else:
            db.session.commit()
            flash("Session logged; your supervisor will countersign it.", "success")
            return redirect(url_for("practical.my_logs", course_id=course.id))
    elif form.is_submitted():
        status = 400
    return render_template("practical/my_logs.html", course=course, form=form,
                           logs=supervised.logs_of(current_user.id, [course.id]),
                           steps=practical_steps(course, current_user.id)), status
