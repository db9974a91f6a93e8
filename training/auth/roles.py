"""The roles a user may hold, and the professions trainees register with."""

from enum import StrEnum


class Role(StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"
    AUDITOR = "auditor"
    ADMIN = "admin"


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
