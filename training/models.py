"""Every model of every feature, imported once so migrations and create_all see them all."""

from modules.models import Course, Enrolment, Lesson, LessonCompletion, LessonRevision, Module
from training.audit.models import AuditEntry, AuditHead
from training.auth.models import User, UserRole

__all__ = [
    "AuditEntry", "AuditHead", "Course", "Enrolment", "Lesson", "LessonCompletion", "LessonRevision",
    "Module", "User", "UserRole",
]
