"""Quiz and question pool edits that the audit log must show: settings, retire/restore.

Question content edits and imports live in ``quizzes.questions``; both record a diff of
what changed through ``training.audit.changes``.
"""

from __future__ import annotations

from quizzes.models import Question, Quiz
from training.audit import record_event
from training.audit.changes import save_with_changes

#: the Quiz columns an author sets on the settings page
QUIZ_SETTINGS_FIELDS = (
    "title", "pass_mark", "attempts_allowed", "grading_method", "time_limit_minutes",
    "shuffle_questions", "shuffle_choices", "draw_count", "review_policy",
)


def save_quiz_settings(quiz: Quiz, values: dict, *, actor=None) -> dict:
    """Apply the settings in ``values`` and record each old -> new value; returns the diff.

    The pass mark, attempts and time limit decide who passes, so every change is audited.
    """
    unknown = set(values) - set(QUIZ_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a quiz setting: {', '.join(sorted(unknown))}")
    return save_with_changes(quiz, values, "quiz", actor=actor, module_id=quiz.module_id)


def set_question_retired(question: Question, retired: bool, *, actor=None) -> bool:
    """Retire a question (no longer drawn) or restore it to the pool; True when it changed."""
    if question.retired == retired:
        return False
    question.retired = retired
    record_event("question.retired" if retired else "question.restored", f"question:{question.id}",
                 {"module_id": question.module_id, "title": question.title,
                  "changes": {"retired": {"old": not retired, "new": retired}}}, actor)
    return True
