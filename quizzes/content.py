"""Quiz settings and question pools as course content, from the worker's content cache.

Every quiz step needs the quiz's settings and the questions of the attempt; a start also
needs the pool to draw from. Questions carry large JSON specs, and loading them as ORM
objects on every step (then rebuilding each ``QuestionSpec``) was the larger part of a step's
cost. Quizzes and questions are tracked content (``training.content_version``): any edit
replaces the version token in the same transaction, so the worker's copies are the rows as
they are now, and grading against a copy is grading against the question as it is now
(its ``version`` goes into ``graded_version``).

The copies are read-only snapshots shared between threads: never mutate them or the specs
they hold. Pages that edit quizzes or questions load ORM rows as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from modules.content_cache import course_tree_by_id
from quizzes.models import Attempt, Question, Quiz
from quizzes.spec import QuestionSpec
from training.content_version import Snapshot, cached_content, snapshot
from training.extensions import db


class QuizContent(Snapshot):
    """A quiz's settings (every column of ``Quiz``)."""

    @property
    def is_final_exam(self) -> bool:
        return self.course_id is not None


class QuestionContent(Snapshot):
    """A question's columns and its ``QuestionSpec``, built once per content version."""

    def spec(self) -> QuestionSpec:
        return self.built_spec


def question_content(question: Question) -> QuestionContent:
    return QuestionContent(**vars(snapshot(question)), built_spec=question.spec())


def quiz_content(quiz_id: int) -> QuizContent | None:
    """The quiz's settings, or None when there is no such quiz."""

    def load() -> QuizContent | None:
        quiz = db.session.get(Quiz, quiz_id)
        return None if quiz is None else QuizContent(**vars(snapshot(quiz)))

    return cached_content(("quiz", quiz_id), load)


def pool_modules(quiz) -> list[int]:
    """The modules whose pools a quiz draws from: its module, or every module of a final
    examination's course (published or not: a draft module's questions may be in old attempts)."""
    if quiz.course_id is None:
        return [quiz.module_id]
    course = course_tree_by_id(quiz.course_id)
    return [module.id for module in course.modules] if course is not None else []


def question_pool(module_ids: Iterable[int]) -> dict[int, QuestionContent]:
    """Question id -> question, for every question of these modules' pools in id order;
    retired ones too (they still grade and show old attempts)."""
    key = tuple(sorted(module_ids))
    return cached_content(("question pool", key), lambda: {
        question.id: question_content(question) for question in db.session.scalars(
            select(Question).where(Question.module_id.in_(key)).order_by(Question.id))})


def attempt_questions_content(attempt: Attempt, quiz=None) -> dict[int, QuestionContent]:
    """Question id -> the question as it is now, for every question of ``attempt``'s layout."""
    quiz = quiz or quiz_content(attempt.quiz_id)
    wanted = [entry["question_id"] for entry in attempt.layout]
    pool = question_pool(pool_modules(quiz))
    found = {question_id: pool[question_id] for question_id in wanted if question_id in pool}
    if len(found) < len(wanted):  # a question since moved to another module: read it directly
        missing = [question_id for question_id in wanted if question_id not in found]
        found |= {question.id: question_content(question) for question in db.session.scalars(
            select(Question).where(Question.id.in_(missing)))}
    return found

