"""Whether a trainee passed the online modules a workshop requires (the lab needs the theory).

A module is passed when every published lesson in it is complete and its quiz, if it has
one, is passed: the same rule the course outline applies, computed without building links.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.models import LessonCompletion, Module
from quizzes.progress import quiz_results, quizzes_for_modules
from training.extensions import db
from training.practical.errors import PracticalError


def passed_module_ids(user_id: int, module_ids: Sequence[int]) -> set[int]:
    """The modules among ``module_ids`` that ``user_id`` passed, in four queries."""
    if not module_ids:
        return set()
    modules = list(db.session.scalars(
        select(Module).where(Module.id.in_(list(module_ids))).options(selectinload(Module.lessons))
    ))
    lesson_ids = [lesson.id for m in modules for lesson in m.lessons if lesson.published]
    done = set(db.session.scalars(
        select(LessonCompletion.lesson_id)
        .where(LessonCompletion.user_id == user_id, LessonCompletion.lesson_id.in_(lesson_ids))
    )) if lesson_ids else set()
    quizzes = quizzes_for_modules([m.id for m in modules])
    results = quiz_results(user_id, quizzes)
    failed_quiz = {q.module_id for q in quizzes if not results[q.id].passed}
    return {
        m.id for m in modules
        if all(lesson.id in done for lesson in m.lessons if lesson.published) and m.id not in failed_quiz
    }


def missing_modules(user_id: int, workshop) -> list[Module]:
    """The workshop's required modules the trainee has not passed yet, in course order."""
    required = list(workshop.required_module_ids or [])
    passed = passed_module_ids(user_id, required)
    missing = [m for m in workshop.course.modules if m.id in required and m.id not in passed]
    return sorted(missing, key=lambda m: m.position)


def check_prerequisites(user_id: int, workshop) -> None:
    """Raise a clear error naming the modules still to pass."""
    missing = missing_modules(user_id, workshop)
    if missing:
        names = ", ".join(f"Module {m.position}: {m.title}" for m in missing)
        raise PracticalError(f"This session needs these online modules passed first: {names}.", status=409)
