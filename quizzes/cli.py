"""``flask quizzes import-gift`` and ``export-gift``."""

from flask.cli import AppGroup

quizzes_cli = AppGroup("quizzes", help="Import and export question pools.")
