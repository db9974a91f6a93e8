"""Trainees: the catalogue, enrolment, the course page and lessons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from modules.models import Course, Enrolment, LessonRevision
from modules.progress import build_outline, load_course
from modules.services import ContentError, complete_lesson, enrol, find_enrolment
from training.auth.decorators import role_required
from training.extensions import db
from training.forms import ActionForm

bp = Blueprint("courses", __name__, url_prefix="/courses")

READERS = ("trainee", "instructor")


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
    course = load_course(slug, include_drafts=author) or abort(404)
    enrolment = find_enrolment(current_user.id, course.id)
    outline = build_outline(
        course, current_user if enrolment else None, ignore_locks=author, include_drafts=author
    )
    return render_template(
        "modules/course.html", course=course, outline=outline, enrolment=enrolment,
        form=ActionForm(),
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


def _readable_lesson(slug: str, lesson_id: int):
    """The course, outline and lesson state, after the enrolment and lock checks."""
    author = is_author()
    course = load_course(slug, include_drafts=author) or abort(404)
    enrolled = find_enrolment(current_user.id, course.id) is not None
    if not enrolled and not author:
        abort(403, description="Enrol in the course to read its lessons.")
    outline = build_outline(course, current_user if enrolled else None, ignore_locks=author,
                            include_drafts=author)
    found = outline.find(lesson_id) or abort(404)
    module_state, lesson_state = found
    if lesson_state.locked:
        abort(403, description="This lesson is locked until you complete the previous module.")
    return course, outline, module_state, lesson_state, enrolled


@bp.route("/<slug>/lessons/<int:lesson_id>")
@role_required(*READERS)
def lesson(slug: str, lesson_id: int):
    course, outline, module_state, lesson_state, enrolled = _readable_lesson(slug, lesson_id)
    revision_id = lesson_state.lesson.current_revision_id
    revision = db.session.get(LessonRevision, revision_id) if revision_id else None
    previous, following = outline.neighbours(lesson_state)
    return render_template(
        "modules/lesson.html", course=course, outline=outline, module_state=module_state,
        state=lesson_state, revision=revision, previous=previous, following=following,
        enrolled=enrolled, form=ActionForm(),
    )


@bp.route("/<slug>/lessons/<int:lesson_id>/complete", methods=["POST"])
@role_required("trainee")
def complete(slug: str, lesson_id: int):
    course, outline, _module_state, lesson_state, enrolled = _readable_lesson(slug, lesson_id)
    if not enrolled:
        abort(403, description="Enrol in the course to record progress.")
    if not ActionForm().validate_on_submit():
        abort(400)
    complete_lesson(current_user, lesson_state.lesson)
    db.session.commit()
    _previous, following = outline.neighbours(lesson_state)
    # within a module go straight on; at its end, the course page shows what unlocked
    if following is not None and following.lesson.module_id == lesson_state.lesson.module_id:
        return redirect(url_for("courses.lesson", slug=course.slug, lesson_id=following.lesson.id))
    return redirect(url_for("courses.course", slug=course.slug))
