"""Who may take, resume and review which quiz or attempt."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template

from modules.content_cache import course_id_of_module, course_tree_by_id
from modules.models import Course
from modules.services import find_enrolment
from quizzes.content import quiz_content
from quizzes.models import Attempt, Quiz
from quizzes.options import ReviewPolicy
from quizzes.results import QuizResult
from training.progress.engine import LOCK_KINDS, MODULE_STEP_KINDS, Progress, Step, course_progress
from training.steps import StepKind


class QuizLocked(Exception):
    """The quiz's module (or an earlier one) has steps left; ``first_open`` is where to go."""

    def __init__(self, quiz: Quiz, course: Course, progress: Progress):
        super().__init__("This quiz opens once the module's lessons are complete.")
        self.quiz, self.course, self.progress = quiz, course, progress

    @property
    def unfinished(self) -> Step | None:
        """The first lesson left in the quiz's module, else the first open step anywhere."""
        module = self.progress.module_of(f"quiz:{self.quiz.id}")
        lessons = [s for s in module.steps if s.kind == StepKind.LESSON and not s.done] if module else []
        open_lessons = [s for s in lessons if not s.locked]
        return next(iter(open_lessons), None) or self.progress.next_step


@dataclass(frozen=True)
class QuizAccess:
    quiz: Quiz
    course: Course
    progress: Progress


def quiz_course(quiz: Quiz):
    """The course tree (a read-only snapshot from the content cache) the quiz belongs to."""
    course_id = quiz.course_id if quiz.course_id is not None else course_id_of_module(quiz.module_id)
    return None if course_id is None else course_tree_by_id(course_id)


def load_quiz_for_trainee(quiz_id: int, user) -> QuizAccess:
    """The quiz (its cached settings), if ``user`` is enrolled in its published course and the
    engine unlocked it.

    Raises ``QuizLocked`` while the quiz's module lessons (or an earlier module) are left. The
    progress holds only the steps that decide the quiz's lock (the practical's steps cost
    queries and never lock a quiz): enough for ``continue_step``, not for percentages.
    """
    quiz = quiz_content(quiz_id) or abort(404)
    course = quiz_course(quiz)
    if course is None or not course.published:
        abort(404)
    if find_enrolment(user.id, course.id) is None:
        abort(403, description="Enrol in the course to take its quizzes.")
    # a module quiz's lock depends on module steps only; the final examination's on its own step too
    lock_kinds = LOCK_KINDS if quiz.course_id is not None else MODULE_STEP_KINDS
    progress = course_progress(course, user.id, kinds=lock_kinds)
    key = f"final_exam:{quiz.id}" if quiz.course_id is not None else f"quiz:{quiz.id}"
    step = progress.step(key) or abort(404)
    if step.locked:
        raise QuizLocked(quiz, course, progress)
    return QuizAccess(quiz, course, progress)


def locked_page(err: QuizLocked):
    """The refusal: a 403 page that says why and links to the first unfinished lesson."""
    return render_template("quizzes/locked.html", quiz=err.quiz, course=err.course,
                           unfinished=err.unfinished), 403


def require_own_attempt(attempt: Attempt | None, user) -> Attempt:
    """Trainees see only their own attempts; anything else looks like it does not exist."""
    if attempt is None or attempt.user_id != user.id:
        abort(404)
    return attempt


def may_see_answers(quiz: Quiz, result: QuizResult) -> bool:
    """Whether a submitted attempt's review may show the correct answers and feedback."""
    if quiz.review_policy == ReviewPolicy.AFTER_ATTEMPT:
        return True
    if quiz.review_policy == ReviewPolicy.ONCE_PASSED:
        return result.passed
    return False
