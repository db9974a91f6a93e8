"""Every model of every feature, imported once so migrations and create_all see them all."""

from training.audit.models import AuditEntry, AuditHead
from training.auth.models import User, UserRole

__all__ = ["AuditEntry", "AuditHead", "User", "UserRole"]
