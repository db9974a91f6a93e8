"""Assessing rubric skills during a session: criteria met or not yet, the skill competent or not yet.

An instructor assesses only trainees holding a confirmed seat in a session they teach (an
admin may assess in any session). "Competent" needs every criterion met. A reassessment is a
new row; the newest assessment of a skill is the one that counts, and the history stays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.audit import record_event
from training.extensions import db
from training.practical.errors import PracticalError
from training.practical.models import Assessment, Outcome, Seat, SeatStatus, Skill, Workshop
from training.practical.signals import practical_changed

MAX_NOTES = 2000
OUTCOME_LABELS = {Outcome.COMPETENT.value: "Competent", Outcome.NOT_YET.value: "Not yet"}


@dataclass
class SkillStanding:
    skill: Skill
    latest: Assessment | None

    @property
    def competent(self) -> bool:
        return self.latest is not None and self.latest.outcome == Outcome.COMPETENT.value


def course_skills(course_id: int, *, include_retired: bool = False) -> list[Skill]:
    """The course's rubric in order, grouped by region by the caller when it shows them."""
    stmt = select(Skill).where(Skill.course_id == course_id).order_by(Skill.position, Skill.id)
    if not include_retired:
        stmt = stmt.where(Skill.retired.is_(False))
    return list(db.session.scalars(stmt))


def latest_assessments(course_id: int, user_ids: Sequence[int]) -> dict[int, dict[int, Assessment]]:
    """{user id: {skill id: newest assessment}} for a batch of trainees, in one query."""
    latest: dict[int, dict[int, Assessment]] = {uid: {} for uid in user_ids}
    if user_ids:
        rows = db.session.scalars(
            select(Assessment).where(Assessment.course_id == course_id, Assessment.trainee_id.in_(list(user_ids)))
            .order_by(Assessment.assessed_at, Assessment.id)
        )
        for a in rows:
            latest[a.trainee_id][a.skill_id] = a
    return latest


def standings(course_id: int, user_id: int) -> list[SkillStanding]:
    """Each current skill with the trainee's newest assessment (two queries)."""
    latest = latest_assessments(course_id, [user_id])[user_id]
    return [SkillStanding(skill, latest.get(skill.id)) for skill in course_skills(course_id)]


def assessment_history(user_id: int, course_ids: Sequence[int] | None = None) -> list[Assessment]:
    """Every assessment of the trainee, oldest first, with skill and session loaded."""
    stmt = (select(Assessment).where(Assessment.trainee_id == user_id)
            .options(joinedload(Assessment.skill), joinedload(Assessment.workshop))
            .order_by(Assessment.assessed_at, Assessment.id))
    if course_ids is not None:
        stmt = stmt.where(Assessment.course_id.in_(list(course_ids)))
    return list(db.session.scalars(stmt))


def may_assess(user, workshop: Workshop) -> bool:
    return user.has_role("admin") or any(i.id == user.id for i in workshop.instructors)


def assess_skill(
    *, workshop: Workshop, trainee_id: int, skill_id: int, met: Mapping[str, bool], outcome: str,
    notes: str = "", actor,
) -> Assessment:
    """Record one assessment of one skill; audited with every criterion's result (flushes)."""
    if not may_assess(actor, workshop):
        raise PracticalError("You can only assess trainees in sessions you teach.", status=403)
    if actor.id == trainee_id:
        raise PracticalError("You cannot assess yourself.", status=403)
    seat = db.session.scalar(select(Seat).where(Seat.workshop_id == workshop.id, Seat.user_id == trainee_id))
    if seat is None or seat.status != SeatStatus.CONFIRMED.value:
        raise PracticalError("This trainee has no seat in this session.", status=409)
    skill = db.session.get(Skill, skill_id)
    if skill is None or skill.course_id != workshop.course_id or skill.retired:
        raise PracticalError("Choose a skill of this course's rubric.", "skill")
    if outcome not in OUTCOME_LABELS:
        raise PracticalError("Choose competent or not yet.", "outcome")
    results = [{"key": c["key"], "text": c["text"], "met": bool(met.get(c["key"]))} for c in skill.criteria]
    if outcome == Outcome.COMPETENT.value and not all(r["met"] for r in results):
        missing = "; ".join(r["text"] for r in results if not r["met"])
        raise PracticalError(f"Competent needs every criterion met; not yet met: {missing}.", "outcome")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise PracticalError(f"Keep the notes under {MAX_NOTES} characters.", "notes")
    assessment = Assessment(
        trainee_id=trainee_id, course_id=workshop.course_id, skill_id=skill.id, workshop_id=workshop.id,
        assessor_id=actor.id, assessor_name=actor.name, results=results, outcome=outcome, notes=notes,
    )
    db.session.add(assessment)
    db.session.flush()
    record_event("skill.assessed", f"assessment:{assessment.id}",
                 {"trainee_id": trainee_id, "workshop_id": workshop.id, "skill": skill.key, "outcome": outcome,
                  "criteria": {r["key"]: r["met"] for r in results}, "notes": notes}, actor=actor)
    practical_changed.send(None, user_id=trainee_id, course_id=workshop.course_id)
    return assessment
