"""The front door: the public catalogue and course pages anyone can read before registering.

Other features add their own part of a course page (workshop dates, state approvals) with
``register_public_course_section(app, "their/_partial.html")``; the partial gets ``course``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.approval_services import approvals_valid_on
from modules.models import Course, Module
from quizzes.models import Quiz
from training.auth.decorators import public
from training.database import utcnow
from training.extensions import db

bp = Blueprint("public", __name__)


def register_public_course_section(app: Flask, template: str) -> None:
    """Add a partial to every public course page, after the outline."""
    app.extensions.setdefault("public_course_sections", []).append(template)


@bp.route("/catalogue")
@public
def catalogue():
    courses = db.session.scalars(select(Course).where(Course.published).order_by(Course.title)).all()
    return render_template("site/catalogue.html", courses=courses)


@bp.route("/catalogue/<slug>")
@public
def course(slug: str):
    """Outline, hours, approvals, practical, workshops, prerequisites: what a clinician checks
    before enrolling."""
    course = db.session.scalar(
        select(Course).where(Course.slug == slug, Course.published)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    ) or abort(404)
    modules = [m for m in course.modules if m.published]
    quizzes = {
        quiz.module_id: quiz
        for quiz in db.session.scalars(select(Quiz).where(Quiz.module_id.in_([m.id for m in modules])))
    }
    return render_template(
        "site/course.html", course=course, modules=modules, quizzes=quizzes,
        approvals=approvals_valid_on(course.id, utcnow().date()),
        sections=current_app.extensions.get("public_course_sections", []),
    )
