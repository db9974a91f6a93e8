"""The quiz course fixture, for the audit tests of quiz and question edits."""

from tests.quizzes.conftest import quiz_course  # noqa: F401 - a fixture, used by name
