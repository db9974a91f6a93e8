"""Each module's quiz as the last step of its module (``training.steps``).

The quiz is gated by the module's lessons (``Gate.MODULE_STEPS``): the engine locks it until
they are done, and the quiz pages refuse to start it before. Passed means passed by the
quiz's grading method (highest or last submitted attempt). The evidence carries the time
spent in submitted attempts, from their own timestamps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import load_only

from quizzes.models import Attempt, Quiz
from quizzes.results import attempt_seconds, summarize
from training.extensions import db
from training.steps import Gate, StepKind, StepState, Target

#: after every lesson of the module, whatever their positions
QUIZ_POSITION = 1_000_000


@dataclass
class QuizFacts:
    quizzes: list[Quiz]
    #: (user id, quiz id) -> attempts in order
    attempts: dict[tuple[int, int], list[Attempt]] = field(default_factory=dict)


class ModuleQuizSteps:
    """Module quizzes of published modules (two queries for any batch)."""

    kind = StepKind.QUIZ

    def load(self, course, user_ids: Sequence[int]) -> QuizFacts:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict[int, QuizFacts]:
        """Facts for several courses at once (a trainee's record): still two queries."""
        course_of = {m.id: course.id for course in courses for m in course.modules if m.published}
        facts = {course.id: QuizFacts([]) for course in courses}
        if not course_of:
            return facts
        quizzes = list(db.session.scalars(
            select(Quiz).where(Quiz.module_id.in_(list(course_of))).order_by(Quiz.id)
        ))
        for quiz in quizzes:
            facts[course_of[quiz.module_id]].quizzes.append(quiz)
        if not quizzes or not user_ids:
            return facts
        attempts: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
        for attempt in db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id.in_(list(user_ids)),
                   Attempt.quiz_id.in_([q.id for q in quizzes]))
            .order_by(Attempt.number)
            # only what a grade and a duration need: the layout JSON is large
            .options(load_only(Attempt.user_id, Attempt.quiz_id, Attempt.number,
                               Attempt.started_at, Attempt.submitted_at, Attempt.deadline,
                               Attempt.percent, Attempt.passed))
        ):
            attempts[(attempt.user_id, attempt.quiz_id)].append(attempt)
        for each in facts.values():
            each.attempts = dict(attempts)
        return facts

    def steps(self, course, facts: QuizFacts, user_id: int) -> list[StepState]:
        states = []
        for quiz in facts.quizzes:
            attempts = facts.attempts.get((user_id, quiz.id), [])
            result = summarize(quiz, attempts)
            detail = f"pass mark {quiz.pass_mark}%"
            if result.grade_percent is not None:
                detail += f" · your grade {result.grade_percent:.0f}%"
            states.append(StepState(
                key=f"quiz:{quiz.id}", kind=StepKind.QUIZ, title=quiz.title,
                done=result.passed, module_id=quiz.module_id, position=QUIZ_POSITION,
                gate=Gate.MODULE_STEPS, detail=detail,
                target=Target("quizzes.quiz", {"quiz_id": quiz.id}),
                evidence={"quiz_id": quiz.id, "grade_percent": result.grade_percent,
                          "attempts": len(attempts),
                          "attempt_seconds": sum(attempt_seconds(a) for a in attempts)},
            ))
        return states
