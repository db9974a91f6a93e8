"""Quiz results by the grading method, time spent in attempts, and authoring links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import load_only

from quizzes.models import Attempt, Quiz
from quizzes.options import GradingMethod
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
    graded = best if quiz.grading_method == GradingMethod.HIGHEST else submitted[-1]
    return QuizResult(
        quiz=quiz,
        attempts_used=len(attempts),
        best_percent=best.percent,
        grade_percent=graded.percent,
        passed=bool(graded.passed),
        open_attempt_id=open_attempt,
    )


def attempt_seconds(attempt: Attempt) -> int:
    """Time spent in a submitted attempt, from its own timestamps (capped at its deadline)."""
    if attempt.submitted_at is None:
        return 0
    end = attempt.submitted_at
    if attempt.deadline is not None:
        end = min(end, attempt.deadline)
    return max(0, int((end - attempt.started_at).total_seconds()))


def quizzes_for_modules(module_ids: Sequence[int]) -> list[Quiz]:
    """The quizzes of these modules (the practical layer checks workshop prerequisites with it)."""
    if not module_ids:
        return []
    return list(db.session.scalars(select(Quiz).where(Quiz.module_id.in_(list(module_ids)))))
