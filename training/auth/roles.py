"""The roles a user may hold, and the professions trainees register with."""

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"
    AUDITOR = "auditor"
    ADMIN = "admin"


class UnknownRoleError(ValueError):
    """A view or token check names a role that does not exist (a typo caught at import)."""


def known_roles(roles: Iterable[str]) -> tuple[Role, ...]:
    """``roles`` as ``Role`` members; raises ``UnknownRoleError`` naming any that is not a role."""
    roles = tuple(roles)
    if not roles:
        raise UnknownRoleError("A role check needs at least one role.")
    unknown = [name for name in roles if name not in {role.value for role in Role}]
    if unknown:
        allowed = ", ".join(Role)
        raise UnknownRoleError(f"Unknown role(s) {', '.join(map(repr, unknown))}; roles are: {allowed}")
    return tuple(Role(name) for name in roles)


class Profession(StrEnum):
    PHYSICAL_THERAPIST = "physical_therapist"
    CHIROPRACTOR = "chiropractor"
    MEDICAL_DOCTOR = "medical_doctor"
    OTHER = "other_licensed"

    @property
    def label(self) -> str:
        return PROFESSION_LABELS[self]


PROFESSION_LABELS = {
    Profession.PHYSICAL_THERAPIST: "Physical therapist",
    Profession.CHIROPRACTOR: "Chiropractor",
    Profession.MEDICAL_DOCTOR: "Medical doctor",
    Profession.OTHER: "Other licensed profession",
}
