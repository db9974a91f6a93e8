"""The plain values a trainee's evidence is made of (read by the pure evaluator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class CertificateEvidence:
    serial: str
    verification_code: str
    course_code: str
    course_title: str
    completion_date: date
    online_hours: Decimal
    practical_hours: Decimal


@dataclass(frozen=True)
class HoursEvidence:
    modality: str
    hours: Decimal
    on: date
    #: what the hours are, as shown in the evidence pack ("DN-101 online contact hours")
    description: str
    #: the certificate serial (or session reference) the hours come from
    reference: str


@dataclass(frozen=True)
class CompetencyEvidence:
    skill: str
    assessor: str
    on: date
    course_code: str


@dataclass(frozen=True)
class SupervisedSessionEvidence:
    on: date
    supervisor: str
    countersigned_on: date | None
    setting: str = ""
    region: str = ""


@dataclass(frozen=True)
class TraineeEvidence:
    profession: str | None
    license_state: str | None
    licensed_since: date | None
    certificates: tuple[CertificateEvidence, ...] = ()
    hours: tuple[HoursEvidence, ...] = ()
    competencies: tuple[CompetencyEvidence, ...] = ()
    #: None while the platform keeps no supervised-session log
    supervised_sessions: tuple[SupervisedSessionEvidence, ...] | None = None
