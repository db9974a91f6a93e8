"""Saving quiz settings, shared by module quizzes and final examinations.

A blueprint is written one objective per line (``o1: 2``); it is refused at save, with the
reason next to the field, when the pool cannot fill it, so trainees never meet a quiz that
cannot be drawn.
"""

from __future__ import annotations

from quizzes.blueprint import draw_pool, plan_problem
from quizzes.forms import QuizSettingsForm
from quizzes.models import Quiz

#: the QuizSettingsForm fields that are plain Quiz columns (populate_obj would also copy the button)
SETTINGS_FIELDS = (
    "title", "pass_mark", "attempts_allowed", "grading_method", "time_limit_minutes",
    "shuffle_questions", "shuffle_choices", "draw_count", "per_objective", "review_policy",
)


class SettingsError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def parse_blueprint(text: str | None) -> dict[str, int] | None:
    """``{"o1": 2}`` from lines ``o1: 2``; None when empty."""
    plan: dict[str, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, count = line.rpartition(":")
        key, count = key.strip(), count.strip()
        if not sep or not key or not (count.isascii() and count.isdigit()) or not 1 <= int(count) <= 50:
            raise SettingsError(f"Line {number}: write 'objective id: count' with a count from 1 to 50.", "blueprint")
        if key in plan:
            raise SettingsError(f"Line {number}: '{key}' is listed twice.", "blueprint")
        plan[key] = int(count)
    return plan or None


def blueprint_text(quiz: Quiz) -> str:
    return "\n".join(f"{key}: {count}" for key, count in (quiz.blueprint or {}).items())


def apply_settings(quiz: Quiz, form: QuizSettingsForm) -> None:
    """Copy the form onto ``quiz``; SettingsError when the pool cannot fill its blueprint."""
    for name in SETTINGS_FIELDS:
        setattr(quiz, name, getattr(form, name).data)
    quiz.blueprint = parse_blueprint(form.blueprint.data)
    if quiz.blueprint and quiz.per_objective:
        raise SettingsError("Give questions per objective or a blueprint, not both.", "blueprint")
    problem = plan_problem(quiz, draw_pool(quiz))
    if problem:
        raise SettingsError(problem, "blueprint" if quiz.blueprint else "per_objective")
