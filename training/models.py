"""Every model of every feature, imported once so migrations and create_all see them all."""

from modules.approvals import CourseApproval
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
from training.auth.models import LoginCounter, User, UserRole
from training.certificates.models import (  # noqa: F401 - lifecycle tables
    Certificate,
    CertificateEvent,
    ExpiryReminder,
    RecertificationRule,
    SigningKeyRecord,
)
from training.jurisdictions.models import EvidencePack, Jurisdiction, JurisdictionRule
from training.notifications.models import JobRun, NotificationPreference, OutboxMessage
from training.practical.models import Assessment as SkillAssessment
from training.practical.models import AttendanceEntry, PracticalPlan, Seat, Skill, SupervisedSession, Workshop
from training.progress.models import SignOff
from training.records.models import ApiToken, BoardReport

__all__ = [
    "ApiToken", "Attempt", "AuditEntry", "AuditHead", "Certificate", "Course", "Enrolment",
    "Lesson", "LessonCompletion", "LessonRevision", "Module", "Question", "Quiz", "Regrade",
    "Response", "SignOff", "User", "UserRole",
    "BoardReport", "CourseApproval", "EvidencePack", "Jurisdiction", "JurisdictionRule",
    "ActivityClock", "LessonTime",
    "JobRun", "LoginCounter", "NotificationPreference", "OutboxMessage",
    "AttendanceEntry", "PracticalPlan", "Seat", "Skill", "SkillAssessment", "SupervisedSession", "Workshop",
]
