"""Whether trainees passed module quizzes: the module-completion gate the quiz layer adds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import load_only

from modules.progress import ExtraStep
from quizzes.models import Attempt, Quiz
from training.extensions import db


@dataclass
class QuizResult:
    quiz: Quiz
    attempts_used: int
    best_percent: float | None
    grade_percent: float | None  #: by the quiz's grading method (highest or last attempt)
    passed: bool
    open_attempt_id: int | None


def quiz_results(user_id: int | None, quizzes: Sequence[Quiz]) -> dict[int, QuizResult]:
    """Each quiz's result for ``user_id`` in one query, keyed by quiz id."""
    by_quiz: dict[int, list[Attempt]] = {q.id: [] for q in quizzes}
    if user_id is not None and quizzes:
        stmt = (
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.quiz_id.in_(list(by_quiz)))
            .order_by(Attempt.number)
            # only what a grade needs: the layout JSON is large and grows with every attempt
            .options(load_only(Attempt.quiz_id, Attempt.number, Attempt.submitted_at, Attempt.percent,
                               Attempt.passed))
        )
        for attempt in db.session.scalars(stmt):
            by_quiz[attempt.quiz_id].append(attempt)
    return {quiz.id: summarize(quiz, by_quiz[quiz.id]) for quiz in quizzes}


def summarize(quiz: Quiz, attempts: Sequence[Attempt]) -> QuizResult:
    """The grade by the quiz's method: the highest submitted attempt, or the last one."""
    submitted = [a for a in attempts if a.submitted_at is not None and a.percent is not None]
    open_attempt = next((a.id for a in attempts if a.submitted_at is None), None)
    if not submitted:
        return QuizResult(quiz, len(attempts), None, None, False, open_attempt)
    best = max(submitted, key=lambda a: a.percent)
    graded = best if quiz.grading_method == "highest" else submitted[-1]
    return QuizResult(
        quiz=quiz,
        attempts_used=len(attempts),
        best_percent=best.percent,
        grade_percent=graded.percent,
        passed=bool(graded.passed),
        open_attempt_id=open_attempt,
    )


def quizzes_for_modules(module_ids: Sequence[int]) -> list[Quiz]:
    if not module_ids:
        return []
    return list(db.session.scalars(select(Quiz).where(Quiz.module_id.in_(list(module_ids)))))


def quiz_steps(user, modules) -> dict:
    """The module quiz as the last step of each module (registered with ``modules.progress``)."""
    quizzes = quizzes_for_modules([m.id for m in modules])
    results = quiz_results(user.id if user is not None else None, quizzes)
    steps = {}
    for quiz in quizzes:
        result = results[quiz.id]
        detail = f"pass mark {quiz.pass_mark}%"
        if result.grade_percent is not None:
            detail += f" · your grade {result.grade_percent:.0f}%"
        steps[quiz.module_id] = [
            ExtraStep(title=quiz.title, url=url_for("quizzes.quiz", quiz_id=quiz.id),
                      done=result.passed, detail=detail)
        ]
    return steps


def module_links(module) -> list[dict]:
    """Authoring links shown beside a module: its question pool and quiz settings."""
    return [
        {"label": "Questions", "url": url_for("quiz_authoring.pool", module_id=module.id)},
        {"label": "Quiz settings", "url": url_for("quiz_authoring.settings", module_id=module.id)},
    ]
