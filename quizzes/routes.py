"""Trainees take quizzes: start, answer (saved as they go), submit, see the result."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")
