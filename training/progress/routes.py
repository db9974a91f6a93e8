"""Trainee dashboard, instructors' cohort views and practical sign-offs."""

from flask import Blueprint

bp = Blueprint("progress", __name__)
