"""Instructors: question pools, quiz settings, preview, attempts, regrade, GIFT, statistics."""

from flask import Blueprint

bp = Blueprint("quiz_authoring", __name__, url_prefix="/author/quizzes")
