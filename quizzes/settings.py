"""Saving quiz settings, shared by module quizzes, final examinations and the curriculum loader.

A blueprint is written one objective per line (``o1: 2``); it is refused at save, with the
reason next to the field, when the pool cannot fill it, so trainees never meet a quiz that
cannot be drawn. The pass mark, attempts and time limit decide who passes, so every save is
audited with each old -> new value.
"""

from __future__ import annotations

from quizzes.blueprint import draw_pool, plan_problem
from quizzes.forms import QuizSettingsForm
from quizzes.models import Quiz
from training.audit.changes import record_changes, snapshot
from training.errors import RuleViolation
from training.extensions import db

#: the QuizSettingsForm fields that are plain Quiz columns (populate_obj would also copy the button)
SETTINGS_FIELDS = (
    "title", "pass_mark", "attempts_allowed", "grading_method", "time_limit_minutes",
    "shuffle_questions", "shuffle_choices", "draw_count", "per_objective", "review_policy",
)
#: every Quiz column a settings save may change: the form's fields and the parsed blueprint
QUIZ_SETTINGS_FIELDS = (*SETTINGS_FIELDS, "blueprint")


class SettingsError(RuleViolation):
    """Settings the pool cannot serve, or a blueprint that cannot be read."""


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


def form_values(form: QuizSettingsForm) -> dict:
    """The submitted settings keyed by Quiz column, the blueprint parsed; SettingsError if unreadable."""
    return {**{name: getattr(form, name).data for name in SETTINGS_FIELDS},
            "blueprint": parse_blueprint(form.blueprint.data)}


def save_quiz_settings(quiz: Quiz, values: dict, *, actor=None) -> dict:
    """Apply ``values`` to ``quiz`` (adding it when new), check its pool can serve them, audit the diff.

    Raises SettingsError (nothing recorded; the caller rolls back) when the objectives asked for
    cannot be drawn. A new quiz is recorded as ``quiz.created``, an edit as ``quiz.settings_changed``.
    """
    unknown = set(values) - set(QUIZ_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a quiz setting: {', '.join(sorted(unknown))}")
    is_new = quiz.id is None
    before = {} if is_new else snapshot(quiz, values)
    with db.session.no_autoflush:
        for name, value in values.items():
            setattr(quiz, name, value)
        if quiz.blueprint and quiz.per_objective:
            raise SettingsError("Give questions per objective or a blueprint, not both.", "blueprint")
        problem = plan_problem(quiz, draw_pool(quiz))
        if problem:
            raise SettingsError(problem, "blueprint" if quiz.blueprint else "per_objective")
    if is_new:
        db.session.add(quiz)
    db.session.flush()
    action = "quiz.created" if is_new else "quiz.settings_changed"
    return record_changes(action, f"quiz:{quiz.id}", before, snapshot(quiz, values), actor=actor,
                          module_id=quiz.module_id, course_id=quiz.course_id)
