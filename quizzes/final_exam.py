"""A course's cumulative final examination: settings, its place on the course page, its step.

The final examination is a ``Quiz`` with ``course_id`` set. It draws from the pools of every
module by blueprint (keys ``"<module slug>:<objective id>"``) or N per objective, opens when
every module is complete (``Gate.ALL_MODULES``), and is one step of the course for the
completion engine (``FinalExamSteps``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import load_only

from modules.models import Course
from quizzes.models import Attempt, Quiz
from quizzes.options import QUIZ_DEFAULTS, ReviewPolicy
from quizzes.results import summarize
from training.extensions import db
from training.steps import Gate, StepKind, StepState, Target


def final_exam_for(course_id: int) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course_id))


def new_final_exam(course: Course) -> Quiz:
    """A final examination nobody has configured yet: the quiz defaults, answers shown once passed."""
    return Quiz(course_id=course.id, title=f"{course.title}: final examination",
                **{**QUIZ_DEFAULTS, "review_policy": ReviewPolicy.ONCE_PASSED.value})


def final_exam_link(course: Course, progress=None) -> dict | None:
    """What the course page shows of the final examination (a template global).

    ``progress`` is the engine's evaluation for an enrolled trainee; its step says whether
    the examination is locked or passed.
    """
    quiz = final_exam_for(course.id)
    if quiz is None:
        return None
    step = progress.step(f"final_exam:{quiz.id}") if progress is not None else None
    return {"quiz": quiz, "locked": bool(step and step.locked), "passed": bool(step and step.done),
            "detail": step.detail if step is not None else f"pass mark {quiz.pass_mark}%"}


@dataclass
class FinalExamFacts:
    quiz: Quiz | None
    attempts: dict[int, list[Attempt]]


class FinalExamSteps:
    """The completion engine's step for a course's final examination (none if it has none)."""

    kind = StepKind.FINAL_EXAM

    def load(self, course, user_ids: Sequence[int]) -> FinalExamFacts:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict[int, FinalExamFacts]:
        """Facts for several courses at once (a trainee's record): two queries, however many."""
        course_ids = [c.id for c in courses]
        exams = {q.course_id: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id.in_(course_ids)))}
        facts = {cid: FinalExamFacts(exams.get(cid), {uid: [] for uid in user_ids}) for cid in course_ids}
        if not exams or not user_ids:
            return facts
        by_quiz = {q.id: q.course_id for q in exams.values()}
        rows = db.session.scalars(
            select(Attempt).where(Attempt.quiz_id.in_(list(by_quiz)), Attempt.user_id.in_(list(user_ids)))
            .order_by(Attempt.number)
            .options(load_only(Attempt.user_id, Attempt.quiz_id, Attempt.number, Attempt.submitted_at,
                               Attempt.percent, Attempt.passed))
        )
        for attempt in rows:
            facts[by_quiz[attempt.quiz_id]].attempts.setdefault(attempt.user_id, []).append(attempt)
        return facts

    def steps(self, course, facts: FinalExamFacts, user_id: int) -> list[StepState]:
        quiz = facts.quiz
        if quiz is None:
            return []
        result = summarize(quiz, facts.attempts.get(user_id, []))
        detail = f"pass mark {quiz.pass_mark}%"
        if result.grade_percent is not None:
            detail += f" · your grade {result.grade_percent:.0f}%"
        return [StepState(
            key=f"final_exam:{quiz.id}", kind=StepKind.FINAL_EXAM, title=quiz.title, done=result.passed,
            module_id=None, position=1, gate=Gate.ALL_MODULES, detail=detail,
            target=Target("quizzes.quiz", {"quiz_id": quiz.id}),
            evidence={"attempts": result.attempts_used, "grade_percent": result.grade_percent},
        )]
