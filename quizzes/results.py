"""Quiz results by the grading method, time spent in attempts, and authoring links.

A trainee who retook a quiz hundreds of times must not make a page slower, so a result is
decided in the database: ``SUMMARY_STATEMENT`` returns one row per (trainee, quiz) with the
count of attempts, the seconds spent in them, the best percent, the graded attempt's percent
and pass (by the quiz's grading method) and the open attempt. Every result (the quiz pages,
module quiz steps, the final examination step) comes from that one rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

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
    #: time spent in submitted attempts, each from its own timestamps (see ``attempt_seconds``)
    seconds: int = 0


def attempt_seconds(attempt: Attempt) -> int:
    """Time spent in a submitted attempt, from its own timestamps (capped at its deadline).

    ``elapsed_seconds`` is the same rule in SQL, for sums over many attempts.
    """
    if attempt.submitted_at is None:
        return 0
    end = attempt.submitted_at
    if attempt.deadline is not None:
        end = min(end, attempt.deadline)
    return max(0, int((end - attempt.started_at).total_seconds()))


class elapsed_seconds(FunctionElement):  # noqa: N801 - used like the SQL functions it compiles to
    """Whole seconds from ``start`` to ``end``, never negative: ``attempt_seconds`` in SQL.

    Exact to the microsecond on both databases (truncated like Python's ``int``): PostgreSQL
    subtracts timestamps; SQLite, which stores them as text, counts whole seconds between the
    parts before the point and adds the six digits SQLAlchemy writes after it.
    """

    type = Integer()
    inherit_cache = True
    name = "elapsed_seconds"


@compiles(elapsed_seconds)
def _elapsed_seconds(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"GREATEST(0, CAST(FLOOR(EXTRACT(EPOCH FROM ({end}) - ({start}))) AS INTEGER))"


@compiles(elapsed_seconds, "sqlite")
def _elapsed_seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    # whole seconds between the whole-second parts (julianday is exact to the millisecond, so
    # rounding its difference is exact), then the microseconds after the point
    whole = (f"CAST(round((julianday(substr({end}, 1, 19)) - julianday(substr({start}, 1, 19)))"
             " * 86400) AS INTEGER)")
    micro = f"CAST(substr({end}, 21, 6) AS INTEGER) - CAST(substr({start}, 21, 6) AS INTEGER)"
    return f"max(0, ({whole} * 1000000 + {micro}) / 1000000)"


def _summary_statement():
    """One row per (user, quiz) among ``:user_ids`` x ``:quiz_ids``, however many attempts.

    The attempts are grouped once (count, seconds, best percent, open attempt, number of the
    last graded attempt); the graded attempt is then joined by its number: the last graded one
    for LAST, the earliest with the best percent for HIGHEST. Graded means submitted with a
    percent. Cheaper than ranking every attempt with window functions.
    """
    attempts, quizzes = Attempt.__table__, Quiz.__table__
    a = attempts.c
    graded = and_(a.submitted_at.is_not(None), a.percent.is_not(None))
    deadline_first = and_(a.deadline.is_not(None), a.deadline < a.submitted_at)
    seconds = case((a.submitted_at.is_(None), 0), else_=elapsed_seconds(
        a.started_at, case((deadline_first, a.deadline), else_=a.submitted_at)))
    summary = (
        select(a.user_id, a.quiz_id, func.count().label("attempts"), func.sum(seconds).label("seconds"),
               func.max(case((graded, a.percent))).label("best_percent"),
               func.max(case((a.submitted_at.is_(None), a.id))).label("open_attempt_id"),
               func.max(case((graded, a.number))).label("last_graded"))
        .where(a.user_id.in_(bindparam("user_ids", expanding=True)),
               a.quiz_id.in_(bindparam("quiz_ids", expanding=True)))
        .group_by(a.user_id, a.quiz_id)
        .subquery("summary")
    )
    s = summary.c
    best = attempts.alias("best")
    earliest_best = (
        select(func.min(best.c.number))
        .where(best.c.quiz_id == s.quiz_id, best.c.user_id == s.user_id,
               best.c.submitted_at.is_not(None), best.c.percent == s.best_percent)
        .scalar_subquery()
    )
    chosen = attempts.alias("graded")
    graded_number = case((quizzes.c.grading_method == GradingMethod.HIGHEST.value, earliest_best),
                         else_=s.last_graded)
    return (
        select(s.user_id, s.quiz_id, s.attempts, s.seconds, s.best_percent, s.open_attempt_id,
               chosen.c.percent.label("grade_percent"), chosen.c.passed)
        .select_from(summary.join(quizzes, quizzes.c.id == s.quiz_id).outerjoin(chosen, and_(
            chosen.c.quiz_id == s.quiz_id, chosen.c.user_id == s.user_id, chosen.c.number == graded_number)))
    )


#: built once: a statement reused as is costs no construction on each page
SUMMARY_STATEMENT = _summary_statement()


def attempt_summaries(user_ids: Sequence[int], quiz_ids: Sequence[int]) -> dict[tuple[int, int], Any]:
    """The summary row of every (user id, quiz id) with attempts, in one statement."""
    if not user_ids or not quiz_ids:
        return {}
    rows = db.session.execute(SUMMARY_STATEMENT, {"user_ids": list(user_ids), "quiz_ids": list(quiz_ids)})
    return {(row.user_id, row.quiz_id): row for row in rows}


def result_of(quiz: Quiz, summary: Any | None) -> QuizResult:
    """The result of ``quiz`` from its summary row (None: no attempts)."""
    if summary is None:
        return QuizResult(quiz, 0, None, None, False, None)
    return QuizResult(
        quiz=quiz,
        attempts_used=summary.attempts,
        best_percent=summary.best_percent,
        grade_percent=summary.grade_percent,
        passed=summary.grade_percent is not None and bool(summary.passed),
        open_attempt_id=summary.open_attempt_id,
        seconds=int(summary.seconds or 0),
    )


def quiz_results(user_id: int | None, quizzes: Sequence[Quiz]) -> dict[int, QuizResult]:
    """Each quiz's result for ``user_id`` in one statement, keyed by quiz id."""
    summaries = attempt_summaries([user_id], [q.id for q in quizzes]) if user_id is not None else {}
    return {quiz.id: result_of(quiz, summaries.get((user_id, quiz.id))) for quiz in quizzes}


def quizzes_for_modules(module_ids: Sequence[int]) -> list[Quiz]:
    """The quizzes of these modules (the practical layer checks workshop prerequisites with it)."""
    if not module_ids:
        return []
    return list(db.session.scalars(select(Quiz).where(Quiz.module_id.in_(list(module_ids)))))
