"""Instructors: every trainee's attempts and answers, and the quiz's item analysis."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from quizzes.access import quiz_course
from quizzes.attempts import load_attempt
from quizzes.content import attempt_questions_content, quiz_content
from quizzes.models import Attempt, Quiz, Response
from quizzes.review import review_items
from quizzes.statistics import BANDS, MIN_SAMPLE, AttemptScores, band, question_stats, quiz_stats
from training.auth.decorators import role_required
from training.extensions import db

bp = Blueprint("quiz_reports", __name__, url_prefix="/author/quizzes")

AUTHORS = ("instructor",)


@bp.route("/<int:quiz_id>/attempts")
@role_required(*AUTHORS)
def attempts(quiz_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    rows = db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == quiz.id)
        .options(selectinload(Attempt.user)).order_by(Attempt.started_at.desc())
    ).all()
    return render_template("quizzes/authoring/attempts.html", quiz=quiz, attempts=rows)


@bp.route("/attempts/<int:attempt_id>")
@role_required(*AUTHORS)
def attempt(attempt_id: int):
    attempt = load_attempt(attempt_id) or abort(404)
    quiz = quiz_content(attempt.quiz_id)
    course = quiz_course(quiz)
    return render_template("quizzes/authoring/attempt.html", attempt=attempt, quiz=quiz, course=course,
                           items=review_items(attempt, attempt_questions_content(attempt, quiz), reveal=True,
                                              course=course))


@bp.route("/<int:quiz_id>/statistics")
@role_required(*AUTHORS)
def statistics(quiz_id: int):
    """Facility and discrimination per question, as Moodle's quiz statistics report defines them."""
    quiz = db.get_or_404(Quiz, quiz_id)
    submitted = db.session.scalars(
        select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_not(None))
        .options(selectinload(Attempt.responses).selectinload(Response.question))
    ).all()
    scores = [
        AttemptScores(
            total=a.score or 0.0, max_total=a.max_score or 0.0,
            questions={r.question_id: (r.score or 0.0, r.question.points) for r in a.responses},
        )
        for a in submitted
    ]
    questions = {r.question_id: r.question for a in submitted for r in a.responses}
    rows = [
        {"stat": stat, "question": questions[stat.question_id], "band": band(stat),
         "label": question_label(questions[stat.question_id])}
        for stat in question_stats(scores)
    ]
    return render_template(
        "quizzes/authoring/statistics.html", quiz=quiz, summary=quiz_stats(scores), rows=rows, bands=BANDS,
        min_sample=MIN_SAMPLE,
    )


def question_label(question) -> str:
    """The question's title, or the start of its text when it has none."""
    if question.title:
        return question.title
    text = Markup(question.prompt_html or "").striptags()  # noqa: S704 - sanitised when saved
    return text if len(text) <= 60 else text[:57].rstrip() + "…"
