"""Trainees take quizzes: start, answer (saved as they go), submit, see the result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from quizzes.access import (
    QuizLocked,
    load_quiz_for_trainee,
    locked_page,
    may_see_answers,
    quiz_course,
    require_own_attempt,
)
from quizzes.accommodations import accommodation_for, allowed_minutes
from quizzes.attempts import (
    ALREADY_SUBMITTED,
    AnswerErrors,
    QuizError,
    accepts_answers,
    close_if_expired,
    load_responses,
    lock_open_attempt,
    save_answers,
    start_attempt,
    submit_attempt,
    time_ran_out,
)
from quizzes.content import attempt_questions_content, quiz_content
from quizzes.forms import AttemptForm
from quizzes.models import Attempt
from quizzes.results import quiz_results
from quizzes.review import attempts_left, quiz_module, retry_step, review_items, revision_lessons
from quizzes.views import answer_summary, attempt_questions
from training.auth.decorators import role_required
from training.extensions import db
from training.forms import ActionForm
from training.progress.engine import continue_step

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@bp.route("/<int:quiz_id>")
@role_required("trainee", "instructor")
def quiz(quiz_id: int):
    if not current_user.has_role("trainee"):  # instructors reach this from the course page
        return redirect(url_for("quiz_authoring.preview", quiz_id=quiz_id))
    try:
        access = load_quiz_for_trainee(quiz_id, current_user)
    except QuizLocked as err:
        return locked_page(err)
    quiz, course = access.quiz, access.course
    # the trainee's attempts as plain rows (the layouts are large and not shown); the grade by
    # the quiz's method comes from the one summary rule
    attempts = db.session.execute(
        select(Attempt.id, Attempt.number, Attempt.started_at, Attempt.deadline, Attempt.submitted_at,
               Attempt.percent, Attempt.passed)
        .where(Attempt.quiz_id == quiz.id, Attempt.user_id == current_user.id).order_by(Attempt.number)
    ).all()
    result = quiz_results(current_user.id, [quiz])[quiz.id]
    pending = next((a for a in attempts if a.submitted_at is None), None)
    expired_id = pending.id if pending is not None and time_ran_out(pending) else None
    accommodation = accommodation_for(current_user.id) if quiz.time_limit_minutes else None
    return render_template("quizzes/quiz.html", quiz=quiz, course=course, attempts=attempts,
                           result=result, form=ActionForm(), expired_id=expired_id, accommodation=accommodation,
                           your_minutes=allowed_minutes(quiz, current_user.id,
                                                        accommodation.multiplier if accommodation else 1.0))


@bp.route("/<int:quiz_id>/start", methods=["POST"])
@role_required("trainee")
def start(quiz_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        quiz = load_quiz_for_trainee(quiz_id, current_user).quiz
    except QuizLocked as err:
        return locked_page(err)
    try:
        attempt = start_attempt(quiz, current_user)
    except QuizError as err:
        db.session.rollback()
        flash(str(err), "danger")
        return redirect(url_for("quizzes.quiz", quiz_id=quiz_id), 303)
    target = url_for("quizzes.attempt", attempt_id=attempt.id)  # before the commit expires it
    db.session.commit()
    return redirect(target)


def _own_attempt(attempt_id: int) -> Attempt:
    """The trainee's attempt without its responses; 404 for anyone else's."""
    return require_own_attempt(db.session.get(Attempt, attempt_id), current_user)


def _locked_attempt(attempt_id: int) -> Attempt | None:
    """The trainee's open attempt with its row locked (``lock_open_attempt``); None once it is
    submitted; 404 for anyone else's."""
    attempt = lock_open_attempt(attempt_id, current_user.id)
    if attempt is None:
        _own_attempt(attempt_id)
    return attempt


def _take_page(attempt: Attempt, form: AttemptForm, *, posted=None, errors=None):
    quiz = quiz_content(attempt.quiz_id)
    questions = attempt_questions(attempt, attempt_questions_content(attempt, quiz), posted=posted)
    return render_template("quizzes/take.html", attempt=attempt, quiz=quiz, questions=questions, form=form,
                           errors=errors or {})


@bp.route("/attempts/<int:attempt_id>")
@role_required("trainee")
def attempt(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if not accepts_answers(attempt):  # submitted, or its time ran out (closed by the next POST)
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    load_responses(attempt)
    return _take_page(attempt, AttemptForm())


@bp.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@role_required("trainee")
def save(attempt_id: int):
    """Save the answers on the page; also the target of the page's autosave (JSON reply)."""
    wants_json = request.accept_mimetypes.best == "application/json"
    form = AttemptForm()
    if not form.validate_on_submit():
        abort(400)
    answers = {name: request.form.getlist(name) for name in request.form if name.startswith("q")}
    attempt = _locked_attempt(attempt_id)
    try:
        if attempt is None:
            raise QuizError(ALREADY_SUBMITTED)
        save_answers(attempt, answers, locked=True)
    except AnswerErrors as err:
        db.session.commit()  # every other answer of this save is kept
        if wants_json:
            return jsonify(saved=False, saved_others=err.saved,
                           errors={str(k): v for k, v in err.errors.items()}), 422
        return _take_page(attempt, form, posted=answers, errors=err.errors), 422
    except QuizError as err:
        db.session.commit()  # keeps a deadline closure, if that is what happened
        if wants_json:
            return jsonify(saved=False, error=str(err)), 409
        flash(str(err), "danger")
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    if form.submit.data:
        return _submit(attempt)  # the answers and the grade in one transaction
    db.session.commit()
    if wants_json:
        return jsonify(saved=True)
    if form.review.data:
        return redirect(url_for("quizzes.summary", attempt_id=attempt_id), 303)
    flash("Your answers are saved.", "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id), 303)


def _submit(attempt: Attempt):
    """Grade the locked open attempt and commit once; the redirect is built before the commit
    expires the attempt."""
    target = url_for("quizzes.result", attempt_id=attempt.id)
    submit_attempt(attempt, locked=True)
    db.session.commit()
    flash("Your attempt has been submitted and graded.", "success")
    return redirect(target, 303)


@bp.route("/attempts/<int:attempt_id>/summary")
@role_required("trainee")
def summary(attempt_id: int):
    """The last step before submission: which questions are answered and which are not."""
    attempt = _own_attempt(attempt_id)
    if not accepts_answers(attempt):  # submitted, or its time ran out (closed by the next POST)
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    load_responses(attempt)
    quiz = quiz_content(attempt.quiz_id)
    rows = answer_summary(attempt, attempt_questions_content(attempt, quiz))
    return render_template("quizzes/summary.html", attempt=attempt, quiz=quiz, rows=rows,
                           unanswered=[row for row in rows if not row["answered"]], form=AttemptForm())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@role_required("trainee")
def submit(attempt_id: int):
    """Submit without changing answers (e.g. from the result of a closed tab)."""
    if not AttemptForm().validate_on_submit():
        abort(400)
    attempt = _locked_attempt(attempt_id)
    if attempt is None:
        flash(ALREADY_SUBMITTED, "info")
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    if not accepts_answers(attempt):
        close_if_expired(attempt, locked=True)
        db.session.commit()
        return redirect(url_for("quizzes.result", attempt_id=attempt_id), 303)
    return _submit(attempt)


@bp.route("/attempts/<int:attempt_id>/result")
@role_required("trainee")
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    quiz = quiz_content(attempt.quiz_id)
    if time_ran_out(attempt):
        return render_template("quizzes/time_up.html", attempt=attempt, quiz=quiz, form=AttemptForm())
    if attempt.is_open:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    load_responses(attempt)
    summary = quiz_results(current_user.id, [quiz])[quiz.id]
    reveal = may_see_answers(quiz, summary)
    course = quiz_course(quiz)
    retry = retry_step(quiz, course, summary)
    # the engine's "Continue" is shown only once the quiz is passed (``retry`` is None then)
    next_step = continue_step(course, current_user.id) if retry is None else None
    return render_template(
        "quizzes/result.html", attempt=attempt, quiz=quiz, summary=summary, reveal=reveal,
        items=review_items(attempt, attempt_questions_content(attempt, quiz), reveal=reveal, course=course),
        left=attempts_left(quiz, summary), retry=retry, next_step=next_step,
        lessons=revision_lessons(quiz, course), course=course, module=quiz_module(quiz, course))
