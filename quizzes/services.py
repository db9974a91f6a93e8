"""Question pool edits that the audit log must show: retire and restore.

Question content edits and imports live in ``quizzes.questions``, settings in
``quizzes.settings``; all record a diff of what changed through ``training.audit.changes``.
"""

from __future__ import annotations

from quizzes.models import Question
from training.audit import record_event


def set_question_retired(question: Question, retired: bool, *, actor=None) -> bool:
    """Retire a question (no longer drawn) or restore it to the pool; True when it changed."""
    if question.retired == retired:
        return False
    question.retired = retired
    record_event("question.retired" if retired else "question.restored", f"question:{question.id}",
                 {"module_id": question.module_id, "title": question.title,
                  "changes": {"retired": {"old": not retired, "new": retired}}}, actor)
    return True
