"""Every model of every feature, imported once so migrations and create_all see them all."""

from modules.models import (
    ActivityClock,
    Course,
    Enrolment,
    Lesson,
    LessonCompletion,
    LessonRevision,
    LessonTime,
    Module,
)
from quizzes.models import Attempt, Question, Quiz, Regrade, Response
from training.audit.models import AuditEntry, AuditHead
from training.auth.models import User, UserRole
from training.certificates.models import Certificate
from training.progress.models import SignOff
from training.records.models import ApiToken

__all__ = [
    "ApiToken", "Attempt", "AuditEntry", "AuditHead", "Certificate", "Course", "Enrolment",
    "Lesson", "LessonCompletion", "LessonRevision", "Module", "Question", "Quiz", "Regrade",
    "Response", "SignOff", "User", "UserRole",
    "ActivityClock", "LessonTime",
]
