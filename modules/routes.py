"""Trainees: the catalogue, enrolment, the course page and lessons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from modules.content_cache import lesson_revision
from modules.models import Course, Enrolment, Lesson
from modules.reading import lesson_of, load_course, read_course, reader_view
from modules.seat_time import (
    MAX_BEAT_SECONDS,
    HeartbeatError,
    SeatTime,
    record_heartbeat,
)
from modules.services import ContentError, SeatTimeError, complete_lesson, enrol
from training.auth.decorators import role_required
from training.extensions import db
from training.forms import ActionForm
from training.progress.engine import Progress, Step, continue_step

bp = Blueprint("courses", __name__, url_prefix="/courses")

READERS = ("trainee", "instructor")
#: seconds between the lesson page's heartbeats unless LESSON_HEARTBEAT_SECONDS says otherwise
HEARTBEAT_SECONDS = 15
#: no input for this long (seconds) and the page stops counting: the reader has walked away
IDLE_SECONDS = 120


def heartbeat_settings() -> dict[str, int]:
    """How the lesson page's script reports time; it never claims more than the server takes."""
    interval = int(current_app.config.get("LESSON_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS))
    return {"interval": interval, "idle": IDLE_SECONDS, "max": MAX_BEAT_SECONDS}


class Reading(NamedTuple):
    course: Course
    progress: Progress
    step: Step
    lesson: Lesson
    enrolled: bool


def is_author() -> bool:
    """Instructors see drafts and every lesson, unlocked, to check what trainees will get."""
    return current_user.has_role("instructor")


@bp.route("/")
@role_required(*READERS)
def catalogue():
    courses = db.session.scalars(
        select(Course).where(Course.published).order_by(Course.title)
    ).all()
    enrolled = set(
        db.session.scalars(select(Enrolment.course_id).where(Enrolment.user_id == current_user.id))
    )
    return render_template("modules/catalogue.html", courses=courses, enrolled=enrolled)


@bp.route("/<slug>")
@role_required(*READERS)
def course(slug: str):
    author = is_author()
    course = read_course(slug, include_drafts=author) or abort(404)
    view = reader_view(course, current_user, author=author)
    return render_template(
        "modules/course.html", course=course, progress_state=view.progress, enrolled=view.enrolled,
        modules={m.id: m for m in course.modules},
        lessons={lesson.id: lesson for m in course.modules for lesson in m.lessons},
    )


@bp.route("/<slug>/enrol", methods=["POST"])
@role_required("trainee")
def enrol_in(slug: str):
    course = load_course(slug, include_drafts=False) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        enrol(current_user, course)
    except ContentError as err:
        abort(409, description=str(err))
    db.session.commit()
    flash(f"You are enrolled in {course.title}.", "success")
    return redirect(url_for("courses.course", slug=course.slug))


def readable_lesson(slug: str, lesson_id: int) -> Reading:
    """The course, progress and lesson step, after the enrolment and lock checks."""
    author = is_author()
    course = read_course(slug, include_drafts=author) or abort(404)
    progress, enrolled = reader_view(course, current_user, author=author, modules_only=True)
    if not enrolled and not author:
        abort(403, description="Enrol in the course to read its lessons.")
    step = progress.step(f"lesson:{lesson_id}") or abort(404)
    if step.locked:
        abort(403, description="This lesson is locked until you complete the previous module.")
    return Reading(course, progress, step, lesson_of(course, lesson_id), enrolled)


def _lesson_page(reading: Reading, *, refusal: str = "", status: int = 200):
    revision_id = reading.lesson.current_revision_id
    revision = lesson_revision(revision_id)
    previous, following = reading.progress.lesson_neighbours(reading.step.key)
    # "Continue" shows once the lesson is done; only then may the course-level steps be needed
    after = continue_step(reading.course, current_user.id, reading.progress) \
        if reading.enrolled and reading.step.done else None
    return render_template(
        "modules/lesson.html", course=reading.course, progress=reading.progress,
        module=reading.progress.module_of(reading.step.key), step=reading.step,
        lesson=reading.lesson, revision=revision, previous=previous, following=following, after=after,
        enrolled=reading.enrolled, seat=SeatTime(reading.step.evidence["active_seconds"],
                                                 reading.step.evidence["required_seconds"]),
        refusal=refusal, heartbeat=heartbeat_settings(),
    ), status


@bp.route("/<slug>/lessons/<int:lesson_id>")
@role_required(*READERS)
def lesson(slug: str, lesson_id: int):
    return _lesson_page(readable_lesson(slug, lesson_id))


@bp.route("/<slug>/lessons/<int:lesson_id>/complete", methods=["POST"])
@role_required("trainee")
def complete(slug: str, lesson_id: int):
    reading = readable_lesson(slug, lesson_id)
    if not reading.enrolled:
        abort(403, description="Enrol in the course to record progress.")
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        complete_lesson(current_user, db.session.get(Lesson, lesson_id))
    except SeatTimeError as err:
        db.session.rollback()
        return _lesson_page(reading, refusal=str(err), status=409)
    db.session.commit()
    # the engine's one "Continue": the next lesson, the module quiz after the last lesson
    step = continue_step(reading.course, current_user.id)
    after = step.target if step is not None else None
    if after is None:
        return redirect(url_for("courses.course", slug=reading.course.slug))
    return redirect(url_for(after.endpoint, **after.args))


@bp.route("/<slug>/lessons/<int:lesson_id>/time", methods=["POST"])
@role_required("trainee")
def heartbeat(slug: str, lesson_id: int):
    """Active seconds from an open lesson page (JSON or form body, CSRF token required)."""
    course = read_course(slug, include_drafts=False)
    if course is None:
        return jsonify(recorded=False, error="No such course."), 404
    progress, enrolled = reader_view(course, current_user, author=False, modules_only=True)
    if not enrolled:
        return jsonify(recorded=False, error="Enrol in the course to record time."), 403
    step = progress.step(f"lesson:{lesson_id}")
    if step is None:
        return jsonify(recorded=False, error="No such lesson in this course."), 404
    if step.locked:
        return jsonify(recorded=False, error="This lesson is locked."), 403
    body = request.get_json(silent=True) if request.is_json else request.form
    claimed = body.get("seconds") if isinstance(body, Mapping) else None
    try:
        active = record_heartbeat(current_user.id, lesson_of(course, lesson_id), claimed)
    except HeartbeatError as err:
        db.session.rollback()
        return jsonify(recorded=False, error=str(err)), err.status
    db.session.commit()
    seat = SeatTime(active, step.evidence["required_seconds"])
    return jsonify(recorded=True, active_seconds=active, required_seconds=seat.required_seconds,
                   remaining_minutes=seat.remaining_minutes, met=seat.met)
