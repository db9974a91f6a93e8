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

from modules.models import Course
from quizzes.models import Quiz
from quizzes.options import QUIZ_DEFAULTS, ReviewPolicy
from quizzes.results import attempt_summaries, result_of
from training.content_version import cached_content, snapshot
from training.extensions import db
from training.steps import Gate, StepKind, StepState, Target


def final_exam_for(course_id: int) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course_id))


def final_exams(course_ids) -> dict:
    """Course id -> snapshot of its final examination, from the content cache (read-only)."""
    course_ids = tuple(course_ids)
    return cached_content(("final exams", course_ids), lambda: {
        q.course_id: snapshot(q) for q in db.session.scalars(select(Quiz).where(Quiz.course_id.in_(course_ids)))})


def new_final_exam(course: Course) -> Quiz:
    """A final examination nobody has configured yet: the quiz defaults, answers shown once passed."""
    return Quiz(course_id=course.id, title=f"{course.title}: final examination",
                **{**QUIZ_DEFAULTS, "review_policy": ReviewPolicy.ONCE_PASSED.value})


def final_exam_link(course: Course, progress=None) -> dict | None:
    """What the course page shows of the final examination (a template global).

    ``progress`` is the engine's evaluation for an enrolled trainee; its step says whether
    the examination is locked or passed.
    """
    quiz = final_exams([course.id]).get(course.id)
    if quiz is None:
        return None
    step = progress.step(f"final_exam:{quiz.id}") if progress is not None else None
    return {"quiz": quiz, "locked": bool(step and step.locked), "passed": bool(step and step.done),
            "detail": step.detail if step is not None else f"pass mark {quiz.pass_mark}%"}


@dataclass
class FinalExamFacts:
    quiz: Quiz | None
    #: (user id, quiz id) -> summary row of the trainee's attempts (``quizzes.results``)
    summaries: dict


class FinalExamSteps:
    """The completion engine's step for a course's final examination (none if it has none)."""

    kind = StepKind.FINAL_EXAM

    def load(self, course, user_ids: Sequence[int]) -> FinalExamFacts:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict[int, FinalExamFacts]:
        """Facts for several courses at once (a trainee's record): one statement, however many."""
        course_ids = [c.id for c in courses]
        exams = final_exams(course_ids)
        quiz_ids = [q.id for q in exams.values()]
        summaries = attempt_summaries(user_ids, quiz_ids) if quiz_ids else {}
        return {cid: FinalExamFacts(exams.get(cid), summaries) for cid in course_ids}

    def steps(self, course, facts: FinalExamFacts, user_id: int) -> list[StepState]:
        quiz = facts.quiz
        if quiz is None:
            return []
        result = result_of(quiz, facts.summaries.get((user_id, quiz.id)))
        detail = f"pass mark {quiz.pass_mark}%"
        if result.grade_percent is not None:
            detail += f" · your grade {result.grade_percent:.0f}%"
        return [StepState(
            key=f"final_exam:{quiz.id}", kind=StepKind.FINAL_EXAM, title=quiz.title, done=result.passed,
            module_id=None, position=1, gate=Gate.ALL_MODULES, detail=detail,
            target=Target("quizzes.quiz", {"quiz_id": quiz.id}),
            evidence={"attempts": result.attempts_used, "grade_percent": result.grade_percent},
        )]
