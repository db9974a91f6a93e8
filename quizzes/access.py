"""Who may take, resume and review which quiz or attempt."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.models import Course, Module
from modules.progress import build_outline
from modules.services import find_enrolment
from quizzes.models import Attempt, Quiz
from quizzes.progress import QuizResult
from training.extensions import db


def load_quiz_for_trainee(quiz_id: int, user) -> tuple[Quiz, Course]:
    """The quiz, if ``user`` is enrolled in its published course and its module is unlocked."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    if quiz.course_id is not None:
        stmt = select(Course).where(Course.id == quiz.course_id)
    else:
        stmt = select(Course).join(Module, Module.course_id == Course.id).where(Module.id == quiz.module_id)
    course = db.session.scalar(stmt.options(selectinload(Course.modules).selectinload(Module.lessons)))
    if course is None or not course.published:
        abort(404)
    if find_enrolment(user.id, course.id) is None:
        abort(403, description="Enrol in the course to take its quizzes.")
    outline = build_outline(course, user)
    if quiz.course_id is not None:
        if not outline.complete:
            abort(403, description="The final examination opens once every module is complete.")
        return quiz, course
    state = next((m for m in outline.modules if m.module.id == quiz.module_id), None)
    if state is None:
        abort(404)
    if state.locked:
        abort(403, description="This quiz is locked until you complete the previous module.")
    return quiz, course


def require_own_attempt(attempt: Attempt | None, user) -> Attempt:
    """Trainees see only their own attempts; anything else looks like it does not exist."""
    if attempt is None or attempt.user_id != user.id:
        abort(404)
    return attempt


def may_see_answers(quiz: Quiz, result: QuizResult) -> bool:
    """Whether a submitted attempt's review may show the correct answers and feedback."""
    if quiz.review_policy == "after_attempt":
        return True
    if quiz.review_policy == "once_passed":
        return result.passed
    return False
