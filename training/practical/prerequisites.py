"""Whether a trainee passed the online modules a workshop requires (the lab needs the theory).

A module is passed when every step the lesson and quiz providers give it is done: the very
rule the completion engine applies, read from the same providers.
"""

from __future__ import annotations

from modules.steps import LessonSteps
from quizzes.steps import ModuleQuizSteps
from training.practical.errors import PracticalError

_ONLINE = (LessonSteps(), ModuleQuizSteps())


def passed_module_ids(user_id: int, course, module_ids) -> set[int]:
    """The modules among ``module_ids`` of ``course`` that ``user_id`` passed (fixed queries)."""
    wanted = set(module_ids)
    if not wanted:
        return set()
    open_modules = {m.id for m in course.modules if m.id in wanted}
    for provider in _ONLINE:
        for state in provider.steps(course, provider.load(course, [user_id]), user_id):
            if state.module_id in open_modules and not state.done:
                open_modules.discard(state.module_id)
    return open_modules


def missing_modules(user_id: int, workshop) -> list:
    """The workshop's required modules the trainee has not passed yet, in course order."""
    required = set(workshop.required_module_ids or [])
    if not required:
        return []
    passed = passed_module_ids(user_id, workshop.course, required)
    return sorted((m for m in workshop.course.modules if m.id in required and m.id not in passed),
                  key=lambda m: m.position)


def missing_by_workshop(user_id: int, course, workshops) -> dict[int, list]:
    """{workshop id: modules still to pass} for several sessions of one course, in fixed queries."""
    required = {m for w in workshops for m in (w.required_module_ids or [])}
    passed = passed_module_ids(user_id, course, required)
    by_id = sorted(course.modules, key=lambda m: m.position)
    return {w.id: [m for m in by_id if m.id in (w.required_module_ids or []) and m.id not in passed]
            for w in workshops if w.required_module_ids}


def check_prerequisites(user_id: int, workshop) -> None:
    """Raise a clear error naming the modules still to pass."""
    missing = missing_modules(user_id, workshop)
    if missing:
        names = ", ".join(f"Module {m.position}: {m.title}" for m in missing)
        raise PracticalError(f"This session needs these online modules passed first: {names}.", status=409)
