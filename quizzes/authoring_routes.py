"""Instructors: question pools, quiz settings, preview, GIFT import and export."""

from __future__ import annotations

import random

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from modules.media.services import assets_for_course
from modules.models import Module, objective_pairs
from quizzes.attempts import QuizError, build_layout
from quizzes.blueprint import draw_pool, plan_for, plan_problem
from quizzes.forms import GiftUploadForm, QuestionForm, QuizSettingsForm
from quizzes.gift import GiftError
from quizzes.models import Attempt, Question, Quiz, Regrade
from quizzes.models import Response as AttemptResponse
from quizzes.options import QUIZ_DEFAULTS
from quizzes.question_form import TYPE_LABELS, form_data_from_spec, spec_from_form
from quizzes.questions import (
    QuestionError,
    decode_gift_upload,
    export_pool,
    import_gift,
    pool_questions,
    save_question,
)
from quizzes.regrade import attempts_needing_regrade, regrade_question
from quizzes.services import set_question_retired
from quizzes.settings import SettingsError, blueprint_text, form_values, save_quiz_settings
from quizzes.spec import QuestionType
from quizzes.views import attempt_questions
from training.auth.decorators import role_required
from training.extensions import db
from training.forms import ActionForm, show_error

bp = Blueprint("quiz_authoring", __name__, url_prefix="/author/quizzes")

AUTHORS = ("instructor",)


@bp.route("/modules/<int:module_id>/questions")
@role_required(*AUTHORS)
def pool(module_id: int):
    module = db.get_or_404(Module, module_id)
    questions = pool_questions(module.id, include_retired=True)
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    return render_template("quizzes/authoring/pool.html", module=module, questions=questions, quiz=quiz,
                           upload=GiftUploadForm(), action=ActionForm(), type_labels=TYPE_LABELS)


@bp.route("/modules/<int:module_id>/questions/new/<qtype>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_question(module_id: int, qtype: str):
    module = db.get_or_404(Module, module_id)
    if qtype not in {t.value for t in QuestionType}:
        abort(404)
    return _edit(QuestionForm(), module, Question(module_id=module.id, qtype=qtype, version=1), QuestionType(qtype))


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def question(question_id: int):
    question = db.get_or_404(Question, question_id)
    form = QuestionForm(data=form_data_from_spec(question.spec())) if request.method == "GET" else QuestionForm()
    return _edit(form, question_module(question), question, QuestionType(question.qtype))


def question_module(question: Question) -> Module:
    return question.module


def _edit(form: QuestionForm, module: Module, question: Question, qtype: QuestionType):
    assets = [a for a in assets_for_course(module.course_id)] if qtype == QuestionType.HOTSPOT else []
    form.image.choices = [(a.filename, a.name) for a in assets]
    form.objectives.choices = objective_pairs(module)
    if form.validate_on_submit():
        try:
            unknown = set(form.objectives.data or []) - {key for key, _ in form.objectives.choices}
            if unknown:
                raise QuestionError("Choose objectives of this module only.", "objectives")
            images = {a.filename: (a.width, a.height) for a in assets}
            changed = save_question(question, spec_from_form(form, qtype, images))
        except QuestionError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            db.session.commit()
            flash("Question saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("quiz_authoring.question", question_id=question.id))
    pending = attempts_needing_regrade(question) if question.id else 0
    regrades = db.session.scalars(
        select(Regrade).where(Regrade.question_id == question.id).order_by(Regrade.at.desc())
    ).all() if question.id else []
    return render_template(
        "quizzes/authoring/question.html", form=form, module=module, question=question, qtype=qtype,
        type_label=TYPE_LABELS[qtype], pending=pending, regrades=regrades, action=ActionForm(),
        assets=assets,
    ), 400 if (form.errors or form.form_errors) else 200


@bp.route("/questions/<int:question_id>/regrade", methods=["POST"])
@role_required(*AUTHORS)
def regrade(question_id: int):
    question = db.get_or_404(Question, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    result = regrade_question(question, current_user)
    db.session.commit()
    flash(f"Regraded {result.attempts_rescored} attempts; {len(result.changes)} changed.", "success")
    return redirect(url_for("quiz_authoring.question", question_id=question.id))


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@role_required(*AUTHORS)
def retire(question_id: int):
    question = db.get_or_404(Question, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    set_question_retired(question, not question.retired)
    db.session.commit()
    flash("Question retired: it is no longer drawn." if question.retired else "Question back in the pool.", "success")
    return redirect(url_for("quiz_authoring.pool", module_id=question.module_id))


@bp.route("/modules/<int:module_id>/settings", methods=["GET", "POST"])
@role_required(*AUTHORS)
def settings(module_id: int):
    module = db.get_or_404(Module, module_id)
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id)) or Quiz(
        module_id=module.id, title=f"{module.title} quiz", **QUIZ_DEFAULTS
    )
    form = QuizSettingsForm(obj=quiz)
    if not form.is_submitted():
        form.blueprint.data = blueprint_text(quiz)
    if form.validate_on_submit() and save_settings(quiz, form):
        flash("Quiz settings saved.", "success")
        return redirect(url_for("quiz_authoring.settings", module_id=module.id))
    return render_template("quizzes/authoring/settings.html", form=form, module=module, quiz=quiz,
                           objectives=objective_pairs(module)), (400 if form.errors else 200)


def save_settings(quiz: Quiz, form: QuizSettingsForm) -> bool:
    """Apply and commit, or roll back and put the reason next to its field."""
    try:
        save_quiz_settings(quiz, form_values(form))
    except SettingsError as err:
        db.session.rollback()
        show_error(form, err)
        return False
    db.session.commit()
    return True


@bp.route("/<int:quiz_id>/preview")
@role_required(*AUTHORS)
def preview(quiz_id: int):
    """The quiz as a trainee would see it, from a fresh random draw; nothing is saved."""
    quiz = db.get_or_404(Quiz, quiz_id)
    draw = draw_pool(quiz)
    questions = draw.questions
    plan = plan_for(quiz, list(draw.objectives))
    coverage = [(key, draw.objectives.get(key, "(not an objective here)"), wanted,
                 sum(1 for keys in draw.keys.values() if key in keys)) for key, wanted in plan.items()]
    problem = plan_problem(quiz, draw)
    try:
        layout = build_layout(quiz, questions, random.SystemRandom(), draw)
    except QuizError:
        layout = []
    sample = Attempt(quiz=quiz, number=1, layout=layout)
    by_id = {q.id: q for q in questions}
    sample.responses = [
        AttemptResponse(question_id=entry["question_id"], position=i)
        for i, entry in enumerate(sample.layout, start=1)
    ]
    items = attempt_questions(sample, by_id)  # transient objects: never added to the session
    return render_template("quizzes/authoring/preview.html", quiz=quiz, questions=items, errors={},
                           coverage=coverage, problem=problem)


@bp.route("/modules/<int:module_id>/import", methods=["POST"])
@role_required(*AUTHORS)
def import_questions(module_id: int):
    module = db.get_or_404(Module, module_id)
    form = GiftUploadForm()
    if not form.validate_on_submit():
        flash(" ".join(form.file.errors) or "Choose a file to import.", "danger")
        return redirect(url_for("quiz_authoring.pool", module_id=module.id)), 303
    try:
        added = import_gift(module.id, decode_gift_upload(form.file.data.read()))
    except GiftError as err:
        db.session.rollback()
        flash(f"Nothing was imported. Line {err.line}: {err.reason}.", "danger")
        return render_template(
            "quizzes/authoring/pool.html", module=module, questions=pool_questions(module.id, True),
            quiz=db.session.scalar(select(Quiz).where(Quiz.module_id == module.id)), upload=form,
            action=ActionForm(), type_labels=TYPE_LABELS,
        ), 400
    db.session.commit()
    flash(f"Imported {len(added)} questions.", "success")
    return redirect(url_for("quiz_authoring.pool", module_id=module.id), 303)


@bp.route("/modules/<int:module_id>/export.gift")
@role_required(*AUTHORS)
def export_questions(module_id: int):
    module = db.get_or_404(Module, module_id)
    text, _skipped = export_pool(module.id)
    return Response(
        text, mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{module.slug}.gift"'},
    )


def module_links(module) -> list[dict]:
    """Authoring links shown beside a module: its question pool and quiz settings."""
    return [
        {"label": "Questions", "url": url_for("quiz_authoring.pool", module_id=module.id)},
        {"label": "Quiz settings", "url": url_for("quiz_authoring.settings", module_id=module.id)},
    ]
