"""Re-scoring the attempts of a question after an author fixed it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from quizzes.attempts import grade_attempt
from quizzes.models import Attempt, Question, Regrade, Response
from quizzes.signals import question_regraded
from training.audit import record_event
from training.extensions import db


def attempts_needing_regrade(question: Question) -> int:
    """Submitted attempts whose score on ``question`` predates its current version."""
    stmt = (
        select(func.count(func.distinct(Response.attempt_id)))
        .join(Attempt, Attempt.id == Response.attempt_id)
        .where(
            Response.question_id == question.id,
            Attempt.submitted_at.is_not(None),
            (Response.graded_version.is_(None)) | (Response.graded_version != question.version),
        )
    )
    return db.session.scalar(stmt)


def regrade_question(question: Question, by) -> Regrade:
    """Re-score every submitted attempt that contains ``question``; record who, when, what."""
    attempt_ids = select(Response.attempt_id).where(Response.question_id == question.id)
    attempts = db.session.scalars(
        select(Attempt)
        .where(Attempt.id.in_(attempt_ids), Attempt.submitted_at.is_not(None))
        .options(selectinload(Attempt.quiz), selectinload(Attempt.responses).selectinload(Response.question))
        .order_by(Attempt.id)
    ).all()
    changes = []
    for attempt in attempts:
        old_percent, old_passed = attempt.percent, attempt.passed
        grade_attempt(attempt, attempt.quiz, {r.question_id: r.question for r in attempt.responses})
        if (old_percent, old_passed) != (attempt.percent, attempt.passed):
            changes.append({
                "attempt_id": attempt.id, "user_id": attempt.user_id,
                "old_percent": old_percent, "new_percent": attempt.percent,
                "old_passed": old_passed, "passed": attempt.passed,
            })
    regrade = Regrade(
        question_id=question.id, by_id=by.id if by else None, by_name=by.name if by else "system",
        question_version=question.version, attempts_rescored=len(attempts), changes=changes,
    )
    db.session.add(regrade)
    db.session.flush()
    record_event(
        "quiz.regraded", f"question:{question.id}",
        {"version": question.version, "attempts_rescored": len(attempts), "changed": len(changes)},
        actor=by,
    )
    question_regraded.send(question, regrade=regrade, attempts=attempts)
    return regrade
