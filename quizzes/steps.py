"""Each module's quiz as the last step of its module (``training.steps``).

The quiz is gated by the module's lessons (``Gate.MODULE_STEPS``): the engine locks it until
they are done, and the quiz pages refuse to start it before. Passed means passed by the
quiz's grading method (highest or last submitted attempt). The evidence carries the time
spent in submitted attempts, from their own timestamps. Both come from one summary row per
trainee and quiz (``quizzes.results``), so retaking a quiz many times costs nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from quizzes.models import Quiz
from quizzes.results import attempt_summaries, result_of
from training.content_version import cached_content, snapshot
from training.extensions import db
from training.steps import Gate, StepKind, StepState, Target

#: after every lesson of the module, whatever their positions
QUIZ_POSITION = 1_000_000


@dataclass
class QuizFacts:
    #: snapshots of the quizzes (from the content cache)
    quizzes: list[Quiz]
    #: (user id, quiz id) -> summary row of the trainee's attempts (none: no attempts)
    summaries: dict[tuple[int, int], Any] = field(default_factory=dict)


class ModuleQuizSteps:
    """Module quizzes of published modules (one statement for any batch, besides the cached quizzes)."""

    kind = StepKind.QUIZ

    def load(self, course, user_ids: Sequence[int]) -> QuizFacts:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict[int, QuizFacts]:
        """Facts for several courses at once (a trainee's record): still one statement."""
        course_of = {m.id: course.id for course in courses for m in course.modules if m.published}
        facts = {course.id: QuizFacts([]) for course in courses}
        if not course_of:
            return facts
        module_ids = tuple(sorted(course_of))
        quizzes = cached_content(("module quizzes", module_ids), lambda: [snapshot(quiz) for quiz in db.session.scalars(
            select(Quiz).where(Quiz.module_id.in_(module_ids)).order_by(Quiz.id))])
        for quiz in quizzes:
            facts[course_of[quiz.module_id]].quizzes.append(quiz)
        if not quizzes or not user_ids:
            return facts
        summaries = attempt_summaries(user_ids, [q.id for q in quizzes])
        for each in facts.values():
            each.summaries = summaries
        return facts

    def steps(self, course, facts: QuizFacts, user_id: int) -> list[StepState]:
        states = []
        for quiz in facts.quizzes:
            result = result_of(quiz, facts.summaries.get((user_id, quiz.id)))
            detail = f"pass mark {quiz.pass_mark}%"
            if result.grade_percent is not None:
                detail += f" · your grade {result.grade_percent:.0f}%"
            states.append(StepState(
                key=f"quiz:{quiz.id}", kind=StepKind.QUIZ, title=quiz.title,
                done=result.passed, module_id=quiz.module_id, position=QUIZ_POSITION,
                gate=Gate.MODULE_STEPS, detail=detail,
                target=Target("quizzes.quiz", {"quiz_id": quiz.id}),
                evidence={"quiz_id": quiz.id, "grade_percent": result.grade_percent,
                          "attempts": result.attempts_used, "attempt_seconds": result.seconds},
            ))
        return states
