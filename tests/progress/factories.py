"""The progress and certificate tests' factories; they live in ``tests.factories``."""

from tests.factories import (
    CHECKLIST,
    add_attempt,
    certificates_of,
    complete_lessons,
    enrol,
    finish_online,
    lessons_of,
    make_course,
    pass_quizzes,
    quizzes_of,
    sign_off,
)

__all__ = [
    "CHECKLIST", "add_attempt", "certificates_of", "complete_lessons", "enrol", "finish_online",
    "lessons_of", "make_course", "pass_quizzes", "quizzes_of", "sign_off",
]
