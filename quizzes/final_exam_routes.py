"""The instructor's page for a course's final examination settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select

from modules.models import Course, Module, objective_pairs
from quizzes.authoring_routes import save_settings
from quizzes.final_exam import final_exam_for, new_final_exam
from quizzes.forms import QuizSettingsForm
from quizzes.settings import blueprint_text
from training.auth.decorators import role_required
from training.extensions import db

bp = Blueprint("final_exam", __name__, url_prefix="/author/quizzes")


@bp.route("/courses/<int:course_id>/final", methods=["GET", "POST"])
@role_required("instructor")
def settings(course_id: int):
    course = db.get_or_404(Course, course_id)
    quiz = final_exam_for(course.id) or new_final_exam(course)
    form = QuizSettingsForm(obj=quiz)
    if not form.is_submitted():
        form.blueprint.data = blueprint_text(quiz)
    if form.validate_on_submit() and save_settings(quiz, form):
        flash("Final examination saved.", "success")
        return redirect(url_for("final_exam.settings", course_id=course.id))
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    objectives = [(f"{m.slug}:{key}", text) for m in modules for key, text in objective_pairs(m)]
    return render_template("quizzes/authoring/final_exam.html", form=form, course=course, quiz=quiz,
                           objectives=objectives), (400 if form.errors else 200)
