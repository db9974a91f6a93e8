"""Former name of ``quizzes.results``; re-exports it so imports written against it keep working."""

from quizzes.results import QuizResult, attempt_seconds, quiz_results, quizzes_for_modules, summarize

__all__ = ["QuizResult", "attempt_seconds", "quiz_results", "quizzes_for_modules", "summarize"]
