"""What a trainee has to show: the plain values the evaluator reads, and the one loader of them.

The evaluator never queries; :func:`gather_evidence` reads everything once (a fixed number of
queries) so every jurisdiction is judged from the same facts:
- online hours: the trainee's valid certificates, i.e. what the completion engine accepted and
  froze, not a second reading of lessons and quizzes;
- in-person hours: workshop attendance by day; for a certified course with no attendance on
  record (a sign-off-only course), the practical hours its certificate froze;
- competency determinations: skills an assessor found competent, and the skills ticked on a
  passing practical sign-off that was not carried over into assessments;
- supervised sessions: the trainee's logs, countersigned or pending (rejected ones left out).
A kind of evidence the platform does not record is ``None`` (not an empty tuple), so a rule
that needs it is "unknown", never "not met" or "met".
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from modules.models import Course
from training.certificates.models import Certificate
from training.extensions import db
from training.jurisdictions.facts import (
    CertificateEvidence,
    CompetencyEvidence,
    HoursEvidence,
    SupervisedSessionEvidence,
    TraineeEvidence,
)
from training.jurisdictions.practical_facts import attendance_hours, competent_skills, supervised_sessions
from training.jurisdictions.rules import Modality
from training.progress.models import SignOff

__all__ = [
    "CertificateEvidence", "CompetencyEvidence", "HoursEvidence", "SupervisedSessionEvidence", "TraineeEvidence",
    "gather_evidence",
]


def _certificate_evidence(rows: list[Certificate], attended_courses: set[int]
                          ) -> tuple[list[CertificateEvidence], list[HoursEvidence]]:
    """Certificates, their online hours, and their in-person hours where no attendance is on record."""
    certificates, hours = [], []
    for row in rows:
        snap = row.snapshot
        item = CertificateEvidence(
            serial=row.serial, verification_code=row.verification_code, course_code=snap["course_code"],
            course_title=snap["course_title"], completion_date=row.completion_date,
            online_hours=Decimal(snap["online_hours"]), practical_hours=Decimal(snap["practical_hours"]),
        )
        certificates.append(item)
        parts = [(Modality.ONLINE, item.online_hours, "online contact hours")]
        if row.course_id not in attended_courses:  # attendance, when recorded, is the finer source
            parts.append((Modality.IN_PERSON, item.practical_hours, "in-person practical hours"))
        for modality, amount, label in parts:
            if amount > 0:
                hours.append(HoursEvidence(modality.value, amount, item.completion_date,
                                           f"{item.course_code} {label}", item.serial))
    return certificates, hours


def gather_evidence(user) -> TraineeEvidence:
    """Everything on file for ``user`` that a jurisdiction rule can ask about (five queries)."""
    rows = db.session.scalars(
        select(Certificate).where(
            Certificate.user_id == user.id, Certificate.is_current.is_(True),
            Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
        ).order_by(Certificate.completion_date, Certificate.id)
    ).all()
    attended, attended_courses = attendance_hours(user.id)
    certificates, hours = _certificate_evidence(list(rows), attended_courses)
    hours.extend(item for _, item in attended)
    competencies, carried_over = competent_skills(user.id)
    signoffs = db.session.execute(
        select(SignOff.id, SignOff.checklist, SignOff.instructor_name, SignOff.evaluated_on, Course.code)
        .join(Course, Course.id == SignOff.course_id)
        .where(SignOff.trainee_id == user.id, SignOff.outcome == "pass")
        .order_by(SignOff.evaluated_on, SignOff.id)
    ).all()
    competencies.extend(
        CompetencyEvidence(skill, instructor, evaluated_on, code)
        for signoff_id, checklist, instructor, evaluated_on, code in signoffs if signoff_id not in carried_over
        for skill, ticked in (checklist or {}).items() if ticked
    )
    return TraineeEvidence(
        profession=user.profession, license_state=user.license_state, licensed_since=user.licensed_since,
        certificates=tuple(certificates), hours=tuple(sorted(hours, key=lambda h: (h.on, h.modality))),
        competencies=tuple(competencies), supervised_sessions=tuple(supervised_sessions(user.id)),
    )
